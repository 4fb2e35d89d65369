package migrate

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/piazza-pa/piazza/migrations"
)

func TestLoad(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	ms, err := Load(fstest.MapFS{"0002_b.sql": file("B"), "0001_a.sql": file("A"), "README": file("x")})
	if err != nil || len(ms) != 2 || ms[0].Name != "a" || ms[1].SQL != "B" || Latest(ms) != 2 {
		t.Fatalf("%+v %v", ms, err)
	}
	if p := Pending(ms, 1); len(p) != 1 || p[0].Version != 2 {
		t.Fatalf("pending after 1: %+v", p)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"gap":       {"0001_a.sql": file(""), "0003_c.sql": file("")},
		"repeat":    {"0001_a.sql": file(""), "0001_b.sql": file("")},
		"no number": {"init.sql": file("")},
		"zero":      {"0000_a.sql": file("")},
	} {
		if _, err := Load(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The embedded migrations themselves load.
func TestEmbedded(t *testing.T) {
	for name, fsys := range map[string]func() (int, error){
		"control": func() (int, error) { ms, err := Load(migrations.Control()); return len(ms), err },
		"tenant":  func() (int, error) { ms, err := Load(migrations.Tenant()); return len(ms), err },
	} {
		n, err := fsys()
		if err != nil || n == 0 {
			t.Errorf("%s: %d migrations, %v", name, n, err)
		}
	}
	ms, _ := Load(migrations.Tenant())
	for _, m := range ms {
		if strings.Contains(m.SQL, "piazza.") || strings.Contains(strings.ToLower(m.SQL), "search_path") {
			t.Errorf("tenant migration %04d_%s names the control schema or the search_path: tenant schemas must reference nothing outside themselves", m.Version, m.Name)
		}
	}
}
