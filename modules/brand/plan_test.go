package brand_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/tenant"
)

// TestModulesOfThePlan: a module outside alpha's plan is off on alpha's
// site (its pages answer 404, the navigation leaves it out) and its switch
// cannot be turned on, with the reason; beta keeps it; once the plan
// includes it, it is back.
func TestModulesOfThePlan(t *testing.T) {
	w := moduletest.New(t)
	ctx := context.Background()
	alpha, beta := moduletest.Alpha, moduletest.Beta
	plan := tenant.PlanInput{Slug: "base", Name: "Base", Members: "100", Storage: "1GiB", Hosts: "0", IdPs: "0",
		Modules: "dashboard,community,news,discussion,profile,organization,search"}
	if _, err := w.Reg.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Reg.SetPlan(ctx, "alpha", "base"); err != nil {
		t.Fatal(err)
	}
	anna := w.Browser(t, alpha, "anna")
	if code, _ := anna.Get(alpha + "/proposals"); code != 404 {
		t.Fatalf("proposals outside the plan: %d, want 404", code)
	}
	if _, page := anna.Get(alpha + "/news"); strings.Contains(page, `href="/proposals"`) {
		t.Fatal("the navigation links a module outside the plan")
	}
	if code, _ := w.Browser(t, beta, "anna").Get(beta + "/proposals"); code != 200 {
		t.Fatalf("beta's proposals: %d", code)
	}
	admin := w.Browser(t, alpha, "admin")
	_, form := admin.Get(alpha + "/admin/branding")
	if !strings.Contains(form, `value="proposal" disabled`) || !strings.Contains(form, "Non compreso nel piano del sito.") {
		t.Fatalf("the branding page offers a module outside the plan:\n%s", form)
	}
	on := url.Values{"modules_form": {"1"}, "modules": {"news", "community", "proposal"}}
	code, body := admin.Send(alpha+"/admin/branding", alpha+"/admin/branding", on)
	if code != 422 || !strings.Contains(body, "Questo modulo non fa parte del piano del sito") {
		t.Fatalf("switching on a module outside the plan: %d\n%s", code, body)
	}
	plan.Modules = ""
	if _, err := w.Reg.UpdatePlan(ctx, "base", plan); err != nil {
		t.Fatal(err)
	}
	if code, _ := anna.Get(alpha + "/proposals"); code != 200 {
		t.Fatalf("proposals once in the plan: %d", code)
	}
}
