package console_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/tenant"
)

// TestIdPQuotaInTheConsole: on a plan of one identity provider, the
// operator adds one to alpha (its discovery read from a provider running
// here), and a second is refused next to its key with the plan's message
// and no row; once the plan is raised the second is added.
func TestIdPQuotaInTheConsole(t *testing.T) {
	ctx := context.Background()
	w := moduletest.New(t)
	issuer := startProvider(t, "alpha")
	plan := tenant.PlanInput{Slug: "piccolo", Name: "Piccolo", Members: "7", Storage: "1GiB", Hosts: "0", IdPs: "1"}
	if _, err := w.Reg.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Reg.SetPlan(ctx, "alpha", "piccolo"); err != nil {
		t.Fatal(err)
	}
	if _, err := operator.Create(ctx, w.DB.DB, opsEmail, "Operatrice", opsPassword); err != nil {
		t.Fatal(err)
	}
	ops := w.Browser(t, consoleSite, "")
	if code, _ := ops.Send(consoleSite+"/", consoleSite+"/login", url.Values{"email": {opsEmail}, "password": {opsPassword}}); code != 303 {
		t.Fatalf("operator sign-in: %d", code)
	}
	add := func(key string) (int, string) {
		return ops.Send(consoleSite+"/tenants/alpha", consoleSite+"/tenants/alpha/signin/idps", url.Values{"key": {key}, "label": {"SSO " + key},
			"issuer": {issuer}, "client_id": {"piazza-alpha"}, "client_secret": {"alpha-secret"}})
	}
	providers := func() (n int) {
		if err := w.DB.DB.QueryRowContext(ctx, "SELECT count(*) FROM piazza.tenant_idps WHERE tenant_id = ?", w.A.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if code, body := add("primo"); code != 200 || !strings.Contains(body, "http://alpha.piazza.test/auth/oidc/primo/callback") {
		t.Fatalf("the first provider within the plan: %d\n%s", code, body)
	}
	code, body := add("secondo")
	if code != 422 || !strings.Contains(body, `id="idp-key-error">Il sito ha già tutti i fornitori di identità che il suo piano consente (1).`) {
		t.Fatalf("a provider past the plan: %d\n%s", code, body)
	}
	if n := providers(); n != 1 {
		t.Fatalf("the refused provider left alpha with %d providers", n)
	}
	plan.IdPs = "2"
	if _, err := w.Reg.UpdatePlan(ctx, "piccolo", plan); err != nil {
		t.Fatal(err)
	}
	if code, body := add("secondo"); code != 200 || !strings.Contains(body, "http://alpha.piazza.test/auth/oidc/secondo/callback") {
		t.Fatalf("the provider after the plan was raised: %d\n%s", code, body)
	}
	if n := providers(); n != 2 {
		t.Fatalf("%d providers after the plan was raised", n)
	}
}
