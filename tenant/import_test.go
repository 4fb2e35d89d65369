package tenant_test

import (
	"context"
	"strings"
	"testing"
)

func TestParseImport(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	mustCreate(t, r, "milano", "Comune di Milano", "open.milano.it")
	file := `slug,name,hosts,admin_email
bergamo,Comune di Bergamo,open.bergamo.it;bergamo.example.org,admin@comune.bergamo.it
Brescia,Comune di Brescia
como,,,
lecco,Comune di Lecco,bad host!,
milano,Altro Milano
pavia,Comune di Pavia,open.milano.it
cremona,Comune di Cremona,,not-an-email
bergamo,Bergamo di nuovo
sondrio,"Comune di Sondrio, Valtellina",open.bergamo.it
mantova
lodi,"Comune di Lodi",lodi.example.org

varese,Comune di Varese,,admin@comune.varese.it
`
	rows, bad, err := r.ParseImport(ctx, strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		3:  "lower-case",
		4:  "name is empty",
		5:  "not a valid host",
		6:  "slug already taken",
		7:  "open.milano.it",
		8:  "e-mail",
		9:  "also on line 2",
		10: "also on line 2",
		11: "1 fields",
	}
	got := map[int]string{}
	for _, e := range bad {
		got[e.Line] += e.Error()
	}
	for line, msg := range want {
		if !strings.Contains(got[line], msg) {
			t.Errorf("line %d: got %q, want it to mention %q", line, got[line], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("bad lines %v, want exactly %v", got, want)
	}
	if len(rows) == 0 {
		t.Fatal("no row passed the per-row checks")
	}

	// A clean file: every row comes back, normalised, none refused.
	rows, bad, err = r.ParseImport(ctx, strings.NewReader("lodi,Comune di Lodi,Open.Lodi.IT\nvarese, Comune di Varese ,,admin@comune.varese.it\n"))
	if err != nil || len(bad) != 0 || len(rows) != 2 {
		t.Fatalf("clean file: rows %v, bad %v, err %v", rows, bad, err)
	}
	if p := rows[0].Params; p.Hosts[0] != "lodi.piazza.test" || p.Hosts[1] != "open.lodi.it" || rows[1].Params.Name != "Comune di Varese" {
		t.Fatalf("normalised rows: %+v", rows)
	}
}
