package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/partnership"
)

// TestImportPartnerships: `piazza tenant import-partnerships` imports the
// sample export of docs/ (the module's own, byte for byte) with progress
// and a summary; again, as a full export, it changes nothing; a bad file
// is reported with its line and writes nothing; an unknown tenant is
// refused.
func TestImportPartnerships(t *testing.T) {
	d := useDatabase(t)
	docs := filepath.Join("..", "..", "docs", "een-sample.xml")
	if b, err := os.ReadFile(docs); err != nil || !bytes.Equal(b, partnership.Sample) {
		t.Fatalf("docs/een-sample.xml differs from the module's sample (%v)", err)
	}
	if _, _, err := run(t, "", "tenant", "create", "--slug", "como", "--name", "Comune di Como"); err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		if err := d.Admin(t).QueryRow(context.Background(), "SELECT count(*) FROM t_como.partnerships").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	bad := strings.Replace(string(partnership.Sample), "<type>RDR</type>", "<type>XX</type>", 1)
	_, stderr, err := run(t, bad, "tenant", "import-partnerships", "como", "-")
	var ex exitError
	if !errors.As(err, &ex) || !strings.Contains(stderr, "line 103, profile 5 (RDDE20261105005)") || !strings.Contains(stderr, "nothing imported") || count() != 0 {
		t.Fatalf("bad file: %v\n%s", err, stderr)
	}
	out, stderr, err := run(t, "", "tenant", "import-partnerships", "como", docs)
	if err != nil || !strings.Contains(out, "8 created, 0 updated, 0 unchanged, 0 expired") || !strings.Contains(stderr, "writing profiles: 8/8") || count() != 8 {
		t.Fatalf("sample: %v\n%s\n%s", err, out, stderr)
	}
	out, _, err = run(t, "", "tenant", "import-partnerships", "como", docs, "--full")
	if err != nil || !strings.Contains(out, "0 created, 0 updated, 8 unchanged, 0 expired") {
		t.Fatalf("again: %v\n%s", err, out)
	}
	if _, _, err := run(t, "", "tenant", "import-partnerships", "nessuno", docs); err == nil || !strings.Contains(err.Error(), "no such tenant") {
		t.Fatalf("unknown tenant: %v", err)
	}
}
