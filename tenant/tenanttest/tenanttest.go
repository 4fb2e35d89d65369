// Package tenanttest provisions tenants on a test database for the tests
// of the platform's packages: a registry on a new database of the private
// cluster (dbtest), tenants created through it as the product creates
// them (role, schema, every tenant migration), and their transactions.
package tenanttest

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
)

// Site is a tenant provisioned on a test database.
type Site struct {
	DB     *bun.DB
	Tenant *tenant.Tenant
}

// New provisions a tenant per slug ("alpha" named "Alpha") on a new test
// database, hosts under piazza.test.
func New(t testing.TB, slugs ...string) []Site {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	reg, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]Site, 0, len(slugs))
	for _, slug := range slugs {
		tn, err := reg.Create(ctx, tenant.CreateParams{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:]})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Site{DB: d.DB, Tenant: tn})
	}
	return out
}

// One is New for the one tenant "alpha".
func One(t testing.TB) Site { return New(t, "alpha")[0] }

// Tx runs fn in the tenant's transaction.
func (s Site) Tx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return db.InTenant(ctx, s.DB, s.Tenant.Scope(), fn)
}

// In runs fn in the tenant's transaction, failing the test on its error.
func (s Site) In(t testing.TB, fn func(ctx context.Context, tx bun.Tx) error) {
	t.Helper()
	if err := s.Tx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// Exec runs statements (with bun's placeholders) in the tenant's
// transaction, failing the test on their error.
func (s Site) Exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	s.In(t, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, sql, args...)
		return err
	})
}
