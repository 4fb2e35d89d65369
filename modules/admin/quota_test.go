package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/tenant"
)

// TestMembersQuotaOnTheSite: on a plan as large as its members, alpha's
// admins are warned and a person who registers is told that the site is
// full, with no account written; beta, on its own plan, still takes
// members; once alpha's plan is raised, registering works again.
func TestMembersQuotaOnTheSite(t *testing.T) {
	w := moduletest.New(t)
	ctx := context.Background()
	alpha, beta := moduletest.Alpha, moduletest.Beta
	plan := tenant.PlanInput{Slug: "piccolo", Name: "Piccolo", Members: "7", Storage: "1GiB", Hosts: "0", IdPs: "0"}
	if _, err := w.Reg.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Reg.SetPlan(ctx, "alpha", "piccolo"); err != nil {
		t.Fatal(err)
	}
	admin := w.Browser(t, alpha, "admin")
	if _, page := admin.Get(alpha + "/admin"); !strings.Contains(page, "80% o più dei membri che il suo piano (Piccolo)") {
		t.Fatalf("the admins' page does not warn of the members' quota:\n%s", page)
	}
	if _, page := w.Browser(t, beta, "admin").Get(beta + "/admin"); strings.Contains(page, "80%") {
		t.Fatal("beta's admins are warned of alpha's quota")
	}
	register := func(site, email string) (int, string) {
		g := w.Browser(t, site, "")
		return g.Send(site+"/auth/register", site+"/auth/register", url.Values{"email": {email},
			"name": {"Nuova"}, "password": {moduletest.Password}, "privacy": {"on"}})
	}
	accounts := func(tn *tenant.Tenant, email string) (n int) {
		w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE email = ?", email).Scan(&n)
		})
		return n
	}
	code, body := register(alpha, "nuova@esterno.example")
	if code < 400 || !strings.Contains(body, "Questo sito ha già tutti i membri che il suo piano consente") {
		t.Fatalf("registering past the plan: %d\n%s", code, body)
	}
	if n := accounts(w.A, "nuova@esterno.example"); n != 0 {
		t.Fatalf("the refused registration left %d accounts", n)
	}
	if code, _ := register(beta, "nuova@esterno.example"); code >= 400 {
		t.Fatalf("beta refused a member for alpha's plan: %d", code)
	}
	plan.Members = "8"
	if _, err := w.Reg.UpdatePlan(ctx, "piccolo", plan); err != nil {
		t.Fatal(err)
	}
	if code, body := register(alpha, "nuova@esterno.example"); code >= 400 {
		t.Fatalf("registering after the plan was raised: %d\n%s", code, body)
	}
	if n := accounts(w.A, "nuova@esterno.example"); n != 1 {
		t.Fatalf("%d accounts after registering", n)
	}
}
