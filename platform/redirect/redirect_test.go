package redirect

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestSafeKeepsPathsOnTheSite(t *testing.T) {
	for _, s := range []string{"/", "/news/3?done=1", "/auth/login?return_to=%2Fprofile", "/a/b#c", "/search?q=a%2F%2Fb"} {
		if got := Safe(s); got != s {
			t.Errorf("Safe(%q) = %q, want it kept", s, got)
		}
	}
}

// Every value below is taken by some browser as a link to another site (or is
// not a path at all): each must come back as "/".
func TestSafeRefusesWhatLeavesTheSite(t *testing.T) {
	for _, s := range []string{
		"", "news", "//evil.example", "/\\evil.example", "\\\\evil.example",
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\x00/evil.example", "/\x7f/evil.example",
		"/%09/evil.example" + "\t", "/a\\b", "https://evil.example/", "http:/evil.example",
		"javascript:alert(1)", "/" + strings.Repeat("a", maxLen), " /x", "/\ufffd/x", "/a\r\nSet-Cookie: x",
	} {
		if got := Safe(s); got != "/" {
			t.Errorf("Safe(%q) = %q, want /", s, got)
		}
	}
}

// redirectCall is any Fiber redirect; only this package may make one, so
// that no redirect skips Safe.
var redirectCall = regexp.MustCompile(`\.Redirect\(`)

func TestEveryRedirectGoesThroughThisPackage(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	here, _ := filepath.Abs(".")
	var offenders []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == ".piazza" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || filepath.Dir(path) == here {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if redirectCall.MatchString(line) {
				rel, _ := filepath.Rel(root, path)
				offenders = append(offenders, rel+":"+strconv.Itoa(i+1))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(offenders) > 0 {
		t.Errorf("redirects that bypass platform/redirect (use redirect.To, or redirect.Away for a configured URL):\n%s", strings.Join(offenders, "\n"))
	}
}
