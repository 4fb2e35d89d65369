package billing_test

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// either says whether page holds the English or the Italian text.
func either(page, en, it string) bool {
	return strings.Contains(page, en) || strings.Contains(page, it)
}

func TestBillingPageWhenOff(t *testing.T) {
	w := moduletest.New(t)
	admin := w.Browser(t, moduletest.Alpha, "admin")
	if code, page := admin.Get(moduletest.Alpha + "/admin/billing"); code != 200 || !strings.Contains(page, `id="billing-off"`) {
		t.Fatalf("admin's billing page: %d", code)
	}
	if code, _ := admin.Send(moduletest.Alpha+"/admin/billing", moduletest.Alpha+"/admin/billing/account",
		url.Values{"email": {"ragioneria@alpha.example"}}); code != 404 {
		t.Fatalf("changing the invoice e-mail with billing off: %d", code)
	}
	member := w.Browser(t, moduletest.Alpha, "anna")
	if code, page := member.Get(moduletest.Alpha + "/admin/billing"); code == 200 || strings.Contains(page, "billing-off") {
		t.Fatalf("a member reached the billing page: %d", code)
	}
	other := w.Browser(t, moduletest.Beta, "admin")
	if code, page := other.Get(moduletest.Alpha + "/admin/billing"); code == 200 || strings.Contains(page, "billing-off") {
		t.Fatalf("another tenant's admin reached alpha's billing page: %d", code)
	}
}

func TestReadOnlyGraceAndSuspension(t *testing.T) {
	w := moduletest.New(t)
	ctx := context.Background()
	admin := w.Browser(t, moduletest.Alpha, "admin")
	member := w.Browser(t, moduletest.Alpha, "anna")
	beta := w.Browser(t, moduletest.Beta, "anna")
	until := time.Now().Add(72 * time.Hour)
	if err := w.Reg.SetBilling(ctx, w.DB.DB, w.A.ID, tenant.BillingGrace, &until); err != nil {
		t.Fatal(err)
	}
	admin.Eventually(moduletest.Alpha+"/", "the admins' banner", func(code int, page string) bool {
		return code == 200 && strings.Contains(page, `id="notice"`) && strings.Contains(page, `href="/admin/billing"`)
	})
	if code, page := member.Get(moduletest.Alpha + "/"); code != 200 || strings.Contains(page, `id="notice"`) {
		t.Fatalf("a member in the grace period: %d, banner shown: %v", code, strings.Contains(page, `id="notice"`))
	}
	code, page := member.Send(moduletest.Alpha+"/", moduletest.Alpha+"/auth/password", url.Values{"current": {"x"}})
	if code != 409 || !either(page, "read-only until", "sola lettura finch") {
		t.Fatalf("a change in the grace period: %d", code)
	}
	if code, _ := admin.Get(moduletest.Alpha + "/admin/billing"); code != 200 {
		t.Fatalf("the billing page in the grace period: %d", code)
	}
	if code, page := beta.Send(moduletest.Beta+"/", moduletest.Beta+"/auth/password", url.Values{"current": {"x"}}); code == 409 ||
		either(page, "read-only until", "sola lettura finch") {
		t.Fatalf("beta is read-only too: %d", code)
	}
	if err := w.Reg.SetBilling(ctx, w.DB.DB, w.A.ID, tenant.BillingSuspended, nil); err != nil {
		t.Fatal(err)
	}
	member.Eventually(moduletest.Alpha+"/", "the suspension", func(code int, page string) bool {
		return code == 503 && either(page, "subscription is unpaid", "abbonamento della sua amministrazione non è stato pagato")
	})
	if code, _ := beta.Get(moduletest.Beta + "/"); code != 200 {
		t.Fatalf("beta while alpha is suspended: %d", code)
	}
	if err := w.Reg.SetBilling(ctx, w.DB.DB, w.A.ID, tenant.BillingActive, nil); err != nil {
		t.Fatal(err)
	}
	member.Eventually(moduletest.Alpha+"/", "the resumption", func(code int, page string) bool { return code == 200 })
}
