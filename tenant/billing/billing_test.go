package billing_test

import (
	"context"
	"os"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/billing"
	"github.com/piazza-pa/piazza/tenant/billing/stripemock"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// world is a test database with a priced plan, a tenant on the free
// default plan and billing pointed at stripe-mock.
type world struct {
	db   *bun.DB
	reg  *tenant.Registry
	mock *stripemock.Mock
	svc  *billing.Service
}

const secret = "whsec_test_piazza"

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	reg, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.CreatePlan(ctx, tenant.PlanInput{Slug: "pro", Name: "Pro", Price: "49.00", Currency: "EUR",
		Members: "500", Storage: "10GiB", Hosts: "3", IdPs: "2"}); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"alpha", "beta"} {
		if _, err := reg.Create(ctx, tenant.CreateParams{Slug: slug, Name: "Comune di " + slug,
			AdminEmail: "admin@" + slug + ".example"}); err != nil {
			t.Fatal(err)
		}
	}
	m := stripemock.Start(t)
	svc := &billing.Service{DB: d.DB, Registry: reg, Provider: m.Provider(), Secret: secret}
	reg.OnPlan(svc.Sync)
	return &world{db: d.DB, reg: reg, mock: m, svc: svc}
}

// account reads slug's billing account (nil: none).
func (w *world) account(t *testing.T, slug string) *billing.Account {
	t.Helper()
	var as []billing.Account
	err := w.db.NewSelect().Model(&as).Where("tenant_id = (SELECT id FROM piazza.tenants WHERE slug = ?)", slug).Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(as) == 0 {
		return nil
	}
	return &as[0]
}

// tenantState reads slug's billing state afresh.
func (w *world) tenantState(t *testing.T, slug string) *tenant.Tenant {
	t.Helper()
	tn, err := w.reg.Get(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

// audited counts slug's audit entries of action.
func (w *world) audited(t *testing.T, slug, action string) int64 {
	t.Helper()
	n, err := w.db.NewSelect().Table("piazza.audit_log").Where("tenant_slug = ? AND action = ?", slug, action).
		Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPlanAssignmentSubscribes(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if _, err := w.reg.SetPlan(ctx, "alpha", "standard"); err != nil {
		t.Fatal(err)
	}
	if n := len(w.mock.Requests("", "")); n != 0 || w.account(t, "alpha") != nil {
		t.Fatalf("a plan with no charge sent %d requests to Stripe", n)
	}
	if _, err := w.reg.SetPlan(ctx, "alpha", "pro"); err != nil {
		t.Fatal(err)
	}
	cust := w.mock.Requests("POST", "/v1/customers")
	if len(cust) != 1 || cust[0].Form.Get("name") != "Comune di alpha" || cust[0].Form.Get("email") != "admin@alpha.example" {
		t.Fatalf("customer requests: %+v", cust)
	}
	prices := w.mock.Requests("POST", "/v1/prices")
	if len(prices) != 3 || prices[0].Form.Get("unit_amount") != "4900" || prices[1].Form.Get("recurring[usage_type]") != "metered" {
		t.Fatalf("price requests: %+v", prices)
	}
	subs := w.mock.Requests("POST", "/v1/subscriptions")
	if len(subs) != 1 || subs[0].Form.Get("customer") == "" || subs[0].Form.Get("items[0][price]") == "" {
		t.Fatalf("subscription requests: %+v", subs)
	}
	if items := w.mock.Requests("POST", "/v1/subscription_items"); len(items) != 2 {
		t.Fatalf("metered items: %+v", items)
	}
	a := w.account(t, "alpha")
	if a == nil || a.CustomerID == "" || a.Subscription == "" || a.MembersItem == "" || a.StorageItem == "" {
		t.Fatalf("account: %+v", a)
	}
	if tn := w.tenantState(t, "alpha"); tn.Billing != tenant.BillingActive || tn.Plan.Stripe.Price == "" {
		t.Fatalf("tenant billing %q, plan prices %+v", tn.Billing, tn.Plan.Stripe)
	}
	if w.audited(t, "alpha", "billing.subscribed") != 1 || w.audited(t, "alpha", "billing.customer") != 1 {
		t.Fatal("subscription not in the audit log")
	}
	// Beta on the same plan: the plan's prices are created once.
	if _, err := w.reg.SetPlan(ctx, "beta", "pro"); err != nil {
		t.Fatal(err)
	}
	if n := len(w.mock.Requests("POST", "/v1/prices")); n != 3 {
		t.Fatalf("prices created again: %d requests", n)
	}
	// Back to no charge: the subscription ends, the tenant is no longer billed.
	if _, err := w.reg.SetPlan(ctx, "alpha", "standard"); err != nil {
		t.Fatal(err)
	}
	if n := len(w.mock.Requests("DELETE", "/v1/subscriptions/"+a.Subscription)); n != 1 {
		t.Fatalf("subscription cancels: %d", n)
	}
	if tn := w.tenantState(t, "alpha"); tn.Billing != tenant.BillingNone {
		t.Fatalf("alpha on no charge is %q", tn.Billing)
	}
	// A tenant created on a priced plan is subscribed at its creation.
	if _, err := w.reg.Create(ctx, tenant.CreateParams{Slug: "gamma", Name: "Unione dei comuni", AdminEmail: "ragioneria@gamma.example",
		Plan: "pro"}); err != nil {
		t.Fatal(err)
	}
	if a := w.account(t, "gamma"); a == nil || a.Subscription == "" || a.InvoiceEmail != "ragioneria@gamma.example" {
		t.Fatalf("gamma's account: %+v", a)
	}
}

func TestUsageReportedOncePerPeriod(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if _, err := w.reg.SetPlan(ctx, "alpha", "pro"); err != nil {
		t.Fatal(err)
	}
	a := w.account(t, "alpha")
	for range 2 {
		if err := w.svc.ReportUsage(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, item := range []string{a.MembersItem, a.StorageItem} {
		rs := w.mock.Requests("POST", "/v1/subscription_items/"+item+"/usage_records")
		if len(rs) == 0 {
			t.Fatalf("no usage reported to item %s", item)
		}
		if rs[0].Idempotency == "" || rs[0].Form.Get("action") != "set" {
			t.Fatalf("usage record: %+v", rs[0])
		}
	}
	// stripe-mock gives both items the same id: two reports in all, one per metric.
	all := 0
	for _, r := range w.mock.Requests("POST", "") {
		if len(r.Path) > len("/usage_records") && r.Path[len(r.Path)-len("/usage_records"):] == "/usage_records" {
			all++
		}
	}
	if all != 2 {
		t.Fatalf("usage reports sent: %d, want 2 (members and storage, once)", all)
	}
	var rows []struct {
		Metric   string
		Quantity int64
	}
	if err := w.db.NewSelect().Table("piazza.billing_usage_reports").Column("metric", "quantity").
		Where("period = ?", billing.Period(timeNow())).Order("metric").Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Metric != "members" || rows[0].Quantity != 1 || rows[1].Metric != "storage" {
		t.Fatalf("usage rows: %+v", rows)
	}
}
