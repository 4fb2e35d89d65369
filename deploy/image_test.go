package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// TestImageUserIsNumeric checks the runtime image's USER: Kubernetes'
// runAsNonRoot can verify only a numeric user, and refuses to start a
// container whose user is a name.
func TestImageUserIsNumeric(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	user := ""
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case strings.EqualFold(f[0], "FROM"):
			user = "" // a new stage starts as root
		case strings.EqualFold(f[0], "USER") && len(f) == 2:
			user = f[1]
		}
	}
	m := regexp.MustCompile(`^([0-9]+)(:[0-9]+)?$`).FindStringSubmatch(user)
	if m == nil || m[1] == "0" {
		t.Fatalf("runtime image USER %q: want a numeric user other than root (uid:gid)", user)
	}
}

// TestBuildContext checks what `docker build` sends from the repository:
// never the local data directory (the dev cluster and its secret key), the
// git history or build outputs; always every file the binary is built from.
func TestBuildContext(t *testing.T) {
	pm, err := patternmatcher.New(ignorePatterns(t))
	if err != nil {
		t.Fatal(err)
	}
	excluded := func(path string) bool {
		ok, err := pm.MatchesOrParentMatches(filepath.FromSlash(path))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return ok
	}
	for _, path := range []string{
		".piazza/secret.key", ".piazza/pg/PG_VERSION", "cmd/piazza/.piazza/secret.key",
		".git/config", ".ci/bin/helm", ".ci/test.log", "piazza", "bin/piazza",
		"platform/db/db.test", "cover.out", "modules/file/testdata/artefacts/page.png",
	} {
		if !excluded(path) {
			t.Errorf("%s is sent to the image build", path)
		}
	}
	for _, path := range append([]string{"go.mod", "go.sum"}, buildInputs(t)...) {
		if excluded(path) {
			t.Errorf("%s is needed to build piazza but left out of the build context", path)
		}
	}
}

// ignorePatterns reads the repository's .dockerignore; without one, docker
// sends everything.
func ignorePatterns(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", ".dockerignore"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return patterns
}

// buildInputs lists the Go and embedded files of this module that
// ./cmd/piazza is built from, relative to the repository root.
func buildInputs(t *testing.T) []string {
	t.Helper()
	format := `{{if .Module}}{{if .Module.Main}}{{$d := .Dir}}` +
		`{{range .GoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{range .EmbedFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{end}}{{end}}`
	cmd := exec.Command("go", "list", "-deps", "-f", format, "./cmd/piazza")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, abs := range strings.Fields(string(out)) {
		rel, err := filepath.Rel(root, abs)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, filepath.ToSlash(rel))
	}
	if len(files) < 10 {
		t.Fatalf("go list found only %d build inputs", len(files))
	}
	return files
}
