package tenant_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/tenant"
)

func TestCreate(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	tn, err := r.Create(ctx, tenant.CreateParams{
		Slug: "lazio", Name: "  Regione Lazio ", Hosts: []string{"Partecipa.Regione.Lazio.IT.", "lazio.piazza.test"},
		AdminEmail: "admin@regione.lazio.it",
	})
	if err != nil {
		t.Fatal(err)
	}
	if tn.Name != "Regione Lazio" || tn.Status != tenant.StatusActive || tn.SchemaVersion != r.LatestVersion() {
		t.Fatalf("created %+v", tn)
	}
	got, err := r.Get(ctx, "lazio")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"lazio.piazza.test", "partecipa.regione.lazio.it"}
	if strings.Join(got.Hosts, ",") != strings.Join(want, ",") {
		t.Fatalf("hosts %v, want %v (default first, lower-cased, no duplicates)", got.Hosts, want)
	}
	admin := d.Admin(t)
	var owner, email, status string
	if err := admin.QueryRow(ctx, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = $1", tn.SchemaName).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	if owner != tn.RoleName {
		t.Fatalf("schema owned by %s, want %s", owner, tn.RoleName)
	}
	var canLogin, inherit bool
	if err := admin.QueryRow(ctx, "SELECT rolcanlogin, rolinherit FROM pg_roles WHERE rolname = $1", tn.RoleName).Scan(&canLogin, &inherit); err != nil {
		t.Fatal(err)
	}
	if canLogin {
		t.Fatal("tenant role can log in")
	}
	q := "SELECT email, status FROM " + tn.SchemaName + ".users WHERE is_admin"
	if err := admin.QueryRow(ctx, q).Scan(&email, &status); err != nil {
		t.Fatal(err)
	}
	if email != "admin@regione.lazio.it" || status != "invited" {
		t.Fatalf("first admin recorded as %s/%s", email, status)
	}
}

// Bad or clashing input is refused with a clear message and leaves nothing:
// no registry row, no host, no schema, no role.
func TestCreateRefusesLeavingNothing(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	mustCreate(t, r, "milano", "Comune di Milano", "partecipa.comune.milano.it")
	cases := []struct {
		name    string
		p       tenant.CreateParams
		kind    error
		message string
	}{
		{"empty slug", tenant.CreateParams{Name: "X"}, platform.ErrInvalid, "slug is empty"},
		{"one letter", tenant.CreateParams{Slug: "a", Name: "X"}, platform.ErrInvalid, "2 to 40"},
		{"too long", tenant.CreateParams{Slug: strings.Repeat("a", 41), Name: "X"}, platform.ErrInvalid, "2 to 40"},
		{"upper case", tenant.CreateParams{Slug: "Roma", Name: "X"}, platform.ErrInvalid, "lower-case"},
		{"underscore", tenant.CreateParams{Slug: "roma_capitale", Name: "X"}, platform.ErrInvalid, "'_'"},
		{"accent", tenant.CreateParams{Slug: "forlì", Name: "X"}, platform.ErrInvalid, "'ì'"},
		{"leading hyphen", tenant.CreateParams{Slug: "-roma", Name: "X"}, platform.ErrInvalid, "hyphen"},
		{"reserved", tenant.CreateParams{Slug: "admin", Name: "X"}, platform.ErrInvalid, "reserved"},
		{"reserved api", tenant.CreateParams{Slug: "api", Name: "X"}, platform.ErrInvalid, "reserved"},
		{"no name", tenant.CreateParams{Slug: "roma", Name: "  "}, platform.ErrInvalid, "name is empty"},
		{"bad host", tenant.CreateParams{Slug: "roma", Name: "Roma", Hosts: []string{"roma capitale.it"}}, platform.ErrInvalid, "not a valid host"},
		{"bad port", tenant.CreateParams{Slug: "roma", Name: "Roma", Hosts: []string{"roma.it:99999"}}, platform.ErrInvalid, "invalid port"},
		{"operator host", tenant.CreateParams{Slug: "roma", Name: "Roma", Hosts: []string{"admin.piazza.test"}}, platform.ErrInvalid, "operator"},
		{"reserved name under the base domain", tenant.CreateParams{Slug: "roma", Name: "Roma", Hosts: []string{"www.piazza.test"}}, platform.ErrInvalid, "reserved word"},
		{"reserved label deeper down", tenant.CreateParams{Slug: "roma", Name: "Roma", Hosts: []string{"roma.login.piazza.test"}}, platform.ErrInvalid, "reserved word"},
		{"bad e-mail", tenant.CreateParams{Slug: "roma", Name: "Roma", AdminEmail: "not-an-address"}, platform.ErrInvalid, "e-mail"},
		{"duplicate slug", tenant.CreateParams{Slug: "milano", Name: "Altro"}, tenant.ErrSlugTaken, "milano"},
		{"taken host", tenant.CreateParams{Slug: "roma", Name: "Roma", Hosts: []string{"PARTECIPA.comune.milano.it"}}, tenant.ErrHostTaken, "partecipa.comune.milano.it"},
		{"host of another slug", tenant.CreateParams{Slug: "roma", Name: "Roma", Hosts: []string{"milano.piazza.test"}}, tenant.ErrHostTaken, "milano.piazza.test"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Create(ctx, tc.p)
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("got %v, want %v mentioning %q", err, tc.kind, tc.message)
			}
		})
	}
	admin := d.Admin(t)
	var tenants, hosts, schemas int
	err := admin.QueryRow(ctx, `SELECT (SELECT count(*) FROM piazza.tenants), (SELECT count(*) FROM piazza.tenant_hosts),
		(SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\_%')`).Scan(&tenants, &hosts, &schemas)
	if err != nil {
		t.Fatal(err)
	}
	if tenants != 1 || hosts != 2 || schemas != 1 {
		t.Fatalf("after refusals: %d tenants, %d hosts, %d schemas; want only milano's (1, 2, 1)", tenants, hosts, schemas)
	}
	var roles int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_roles WHERE rolname LIKE '%\\_roma'").Scan(&roles); err != nil {
		t.Fatal(err)
	}
	if roles != 0 {
		t.Fatalf("a refused tenant left %d roles behind", roles)
	}
}
