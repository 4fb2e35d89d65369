package tenant_test

import (
	"context"
	"slices"
	"testing"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/site"
	"github.com/piazza-pa/piazza/tenant"
)

// Platform code reads the request's tenant as its site: the context the
// tenant middleware builds must carry both, alike.
func TestNewContextCarriesSite(t *testing.T) {
	a := &tenant.Tenant{ID: 3, Name: "Comune di Alpha", SchemaName: "t_alpha", RoleName: "t_alpha_role",
		Hosts: []string{"alpha.example", "www.alpha.example"}}
	ctx := tenant.NewContext(context.Background(), a)
	s := site.FromContext(ctx)
	switch {
	case tenant.FromContext(ctx) != a:
		t.Fatal("tenant.FromContext lost the tenant")
	case s == nil:
		t.Fatal("no site in the tenant's context")
	case s.ID != a.ID || s.Name != a.Name || s.Domain() != a.Domain() || !slices.Equal(s.Hosts, a.Hosts):
		t.Errorf("site %+v does not describe tenant %+v", s, a)
	case s.Scope != (db.Scope{Schema: "t_alpha", Role: "t_alpha_role"}):
		t.Errorf("site scope %+v, want the tenant's", s.Scope)
	}
	if got, want := a.URL("https", "evil.example", "/x"), "https://alpha.example/x"; got != want {
		t.Errorf("URL = %s, want %s", got, want)
	}
	if site.FromContext(tenant.NewContext(context.Background(), nil)) != nil {
		t.Error("a context without a tenant carries a site")
	}
}
