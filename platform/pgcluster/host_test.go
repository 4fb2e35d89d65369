package pgcluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindBinaries(t *testing.T) {
	dir, err := FindBinaries()
	if err != nil {
		t.Fatalf("the PostgreSQL installed by .ci/setup is not found: %v", err)
	}
	for _, b := range []string{"initdb", "pg_ctl"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			t.Errorf("%s missing in %s", b, dir)
		}
	}
	if !strings.Contains(ErrNotInstalled.Error(), "apt-get install postgresql") || !strings.Contains(ErrNotInstalled.Error(), "brew install") {
		t.Error("the message for a machine without PostgreSQL does not say how to install it")
	}
}

func TestVersionOf(t *testing.T) {
	for dir, want := range map[string]int{
		"/usr/lib/postgresql/15/bin": 15, "/usr/lib/postgresql/16/bin": 16,
		"/opt/homebrew/opt/postgresql@17/bin": 17, "/usr/pgsql-14/bin": 14, "/usr/bin": 0,
	} {
		if got := versionOf(dir); got != want {
			t.Errorf("versionOf(%s) = %d, want %d", dir, got, want)
		}
	}
}
