package idp_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/piazza-pa/piazza/migrations"
	"github.com/piazza-pa/piazza/platform/migrate"
)

// Control migrations 0018 to 0020: 0018 brings the SPID/CIE providers configured before it
// to what the rules ask (attributes, consent, level 2, a signed request,
// the fiscal number's namespace) and keeps the prompt a generic provider
// with a request object was sent.
func TestMigration0018(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	admin := w.d.Admin(t)
	// Back to the schema before 0018 (and the federation's 0019 and the
	// providers' entity ids of 0020 and the login groups of 0021, which come
	// after it), with the rows as they were then.
	for _, q := range []string{
		"ALTER TABLE piazza.tenants DROP COLUMN login_role", "ALTER TABLE piazza.spare_schemas DROP COLUMN login_role",
		"DROP TABLE piazza.login_groups",
		"DROP TABLE piazza.tenant_federation, piazza.federation_keys",
		"ALTER TABLE piazza.tenant_idps DROP COLUMN entity_id",
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
	if n, err := migrate.Control(ctx, w.d.DB, migrations.Control()); err != nil || n != 4 {
		t.Fatalf("migrations 0018 to 0021: %d applied, %v", n, err)
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
	if spid.EntityID != "" { // 0020: providers keep their issuer's discovery
		t.Fatalf("entity id after 0020: %q", spid.EntityID)
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
