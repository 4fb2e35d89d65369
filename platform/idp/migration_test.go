package idp_test

import (
	"context"
	"io/fs"
	"slices"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/piazza-pa/piazza/migrations"
	"github.com/piazza-pa/piazza/platform/migrate"
)

// Control migration 0018 brings the SPID/CIE providers configured before it
// to what the rules ask (attributes, consent, level 2, a signed request,
// the fiscal number's namespace) and keeps the prompt a generic provider
// with a request object was sent.
func TestMigration0018(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	admin := w.d.Admin(t)
	// Back to the schema before 0018, with the rows as they were then.
	for _, q := range []string{
		"DROP TABLE piazza.tenant_rp_enc_keys, piazza.tenant_idp_tokens",
		"ALTER TABLE piazza.tenant_idps DROP COLUMN claims, DROP COLUMN prompt",
		"DELETE FROM piazza.schema_migrations WHERE version >= 18",
		"UPDATE piazza.tenant_idps SET claim_fiscal_number = 'fiscal_number', acr_values = '{}', request_object = false WHERE key = 'spid'",
		"UPDATE piazza.tenant_idps SET request_object = true WHERE key = 'regione' AND tenant_id = " + itoa(w.a.ID),
	} {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// Only the migrations up to 0018: the later ones are in place already.
	upTo := fstest.MapFS{}
	files, err := fs.ReadDir(migrations.Control(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name() < "0019" {
			b, err := fs.ReadFile(migrations.Control(), f.Name())
			if err != nil {
				t.Fatal(err)
			}
			upTo[f.Name()] = &fstest.MapFile{Data: b}
		}
	}
	if n, err := migrate.Control(ctx, w.d.DB, upTo); err != nil || n != 1 {
		t.Fatalf("migration 0018: %d applied, %v", n, err)
	}
	spid, err := w.store.Get(ctx, w.a.ID, "spid")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(spid.Claims, []string{"given_name", "family_name", "email", "fiscal_number"}) || spid.Prompt != "consent login" ||
		!slices.Equal(spid.ACRValues, []string{"https://www.spid.gov.it/SpidL2"}) || !spid.RequestObject ||
		spid.ClaimFiscalNumber != "https://attributes.eid.gov.it/fiscal_number" {
		t.Fatalf("SPID provider after 0018: %+v", spid)
	}
	if err := spid.Normalize(); err != nil {
		t.Fatalf("the migrated SPID provider does not pass the rules: %v", err)
	}
	for tenant, want := range map[int64]string{w.a.ID: "login", w.b.ID: ""} {
		g, err := w.store.Get(ctx, tenant, "regione")
		if err != nil || g.Prompt != want || len(g.Claims) != 0 {
			t.Fatalf("generic provider of tenant %d after 0018: prompt %q claims %v (%v)", tenant, g.Prompt, g.Claims, err)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
