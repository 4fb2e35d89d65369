package platform_test

import (
	"os/exec"
	"strings"
	"testing"
)

// module is the import path every package of Piazza starts with.
const module = "github.com/piazza-pa/piazza"

// above are the packages that sit above platform: the control plane, the
// modules and the binary. Platform code builds without any of them.
var above = []string{module + "/tenant", module + "/modules", module + "/cmd"}

func isAbove(path string) bool {
	for _, a := range above {
		if path == a || strings.HasPrefix(path, a+"/") {
			return true
		}
	}
	return false
}

// TestPlatformImportsNothingAbove lists everything the platform packages'
// production code depends on, directly or not (test files left out: they
// may build fixtures with the control plane), and names each package of
// the tenant, modules or cmd trees found there with who imports it.
func TestPlatformImportsNothingAbove(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	own := 0
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg := fields[0]
		if strings.HasPrefix(pkg, module+"/platform") {
			own++
		}
		if isAbove(pkg) {
			t.Errorf("platform depends on %s", pkg)
		}
		for _, imp := range fields[1:] {
			if isAbove(imp) {
				t.Errorf("%s imports %s: what platform needs of the request's tenant comes from platform/site", pkg, imp)
			}
		}
	}
	if own < 10 {
		t.Fatalf("go list found %d platform packages: not run from platform/?", own)
	}
}
