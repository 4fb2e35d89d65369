package tenant_test

import (
	"context"
	"os"
	"testing"

	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// newRegistry returns a registry over a fresh database.
func newRegistry(t testing.TB) (*tenant.Registry, *dbtest.DB) {
	t.Helper()
	d := dbtest.New(t)
	return registryOn(t, d, tenant.Options{}), d
}

// registryOn opens a registry on d with o, the test's domain and
// operator host filled in.
func registryOn(t testing.TB, d *dbtest.DB, o tenant.Options) *tenant.Registry {
	t.Helper()
	o.BaseDomain, o.OperatorHost = "piazza.test", "admin.piazza.test"
	r, err := tenant.NewRegistry(context.Background(), d.DB, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustCreate(t testing.TB, r *tenant.Registry, slug, name string, hosts ...string) *tenant.Tenant {
	t.Helper()
	tn, err := r.Create(context.Background(), tenant.CreateParams{Slug: slug, Name: name, Hosts: hosts})
	if err != nil {
		t.Fatalf("create %s: %v", slug, err)
	}
	return tn
}
