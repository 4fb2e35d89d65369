package billing_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/billing"
)

// event is a Stripe event of type typ about customer, created at created.
func event(id, typ, object, customer, status string, created time.Time) []byte {
	return []byte(fmt.Sprintf(`{"id":%q,"object":"event","api_version":"2023-10-16","created":%d,"type":%q,`+
		`"data":{"object":{"id":"obj_%s","object":%q,"customer":%q,"status":%q}}}`,
		id, created.Unix(), typ, id, object, customer, status))
}

// post sends payload signed with key to the webhook, returning the status.
func (w *world) post(t *testing.T, payload []byte, key string) int {
	t.Helper()
	app := fiber.New()
	app.Post(billing.WebhookPath, w.svc.Webhook)
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: key, Timestamp: time.Now()})
	req := httptest.NewRequest("POST", billing.WebhookPath, strings.NewReader(string(payload)))
	req.Header.Set("Stripe-Signature", sp.Header)
	req.Header.Set("Content-Type", "application/json")
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode
}

func (w *world) events(t *testing.T) int64 {
	t.Helper()
	n, err := w.db.NewSelect().Table("piazza.billing_events").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// subscribed puts alpha on the priced plan and returns its customer id.
func (w *world) subscribed(t *testing.T) string {
	t.Helper()
	if _, err := w.reg.SetPlan(context.Background(), "alpha", "pro"); err != nil {
		t.Fatal(err)
	}
	return w.account(t, "alpha").CustomerID
}

func TestWebhookSignatureAndOnce(t *testing.T) {
	w := newWorld(t)
	cus := w.subscribed(t)
	now := time.Now()
	failed := event("evt_1", "invoice.payment_failed", "invoice", cus, "open", now)
	if code := w.post(t, failed, "whsec_someone_else"); code != 400 {
		t.Fatalf("bad signature answered %d", code)
	}
	if n := w.events(t); n != 0 || w.tenantState(t, "alpha").Billing != tenant.BillingActive {
		t.Fatalf("a refused event was recorded (%d) or applied", n)
	}
	for range 2 {
		if code := w.post(t, failed, secret); code != 200 {
			t.Fatalf("event answered %d", code)
		}
	}
	if n := w.events(t); n != 1 {
		t.Fatalf("events recorded: %d", n)
	}
	if w.audited(t, "alpha", "billing.grace") != 1 {
		t.Fatal("the same event was applied twice, or not audited")
	}
}

func TestWebhookOutOfOrderEndsPaid(t *testing.T) {
	w := newWorld(t)
	cus := w.subscribed(t)
	now := time.Now()
	paid := event("evt_paid", "invoice.paid", "invoice", cus, "paid", now)
	failed := event("evt_failed", "invoice.payment_failed", "invoice", cus, "open", now.Add(-time.Minute))
	for _, p := range [][]byte{paid, failed} {
		if code := w.post(t, p, secret); code != 200 {
			t.Fatalf("event answered %d", code)
		}
	}
	if tn := w.tenantState(t, "alpha"); tn.Billing != tenant.BillingActive || tn.BillingGraceUntil != nil {
		t.Fatalf("after paid then an older failure: %q", tn.Billing)
	}
	if w.audited(t, "alpha", "billing.grace") != 0 {
		t.Fatal("the older failure was applied")
	}
}

func TestGraceThenSuspendedThenResumed(t *testing.T) {
	w := newWorld(t)
	cus := w.subscribed(t)
	clock := time.Now()
	w.svc.Now = func() time.Time { return clock }
	w.svc.Grace = 72 * time.Hour
	ctx := context.Background()
	if code := w.post(t, event("evt_pd", "customer.subscription.updated", "subscription", cus, "past_due", clock), secret); code != 200 {
		t.Fatalf("answered %d", code)
	}
	tn := w.tenantState(t, "alpha")
	if tn.Billing != tenant.BillingGrace || tn.BillingGraceUntil == nil || tn.BillingGraceUntil.Sub(clock) < 71*time.Hour {
		t.Fatalf("past_due: %q until %v", tn.Billing, tn.BillingGraceUntil)
	}
	if err := w.svc.Sweep(ctx); err != nil || w.tenantState(t, "alpha").Billing != tenant.BillingGrace {
		t.Fatalf("suspended before the grace ended (%v)", err)
	}
	clock = clock.Add(73 * time.Hour)
	if err := w.svc.Sweep(ctx); err != nil || w.tenantState(t, "alpha").Billing != tenant.BillingSuspended {
		t.Fatalf("not suspended after the grace (%v)", err)
	}
	if w.tenantState(t, "beta").Billing != tenant.BillingNone {
		t.Fatal("beta was touched")
	}
	if code := w.post(t, event("evt_paid", "invoice.paid", "invoice", cus, "paid", clock), secret); code != 200 {
		t.Fatalf("answered %d", code)
	}
	if tn := w.tenantState(t, "alpha"); tn.Billing != tenant.BillingActive || tn.BillingGraceUntil != nil {
		t.Fatalf("paid: %q", tn.Billing)
	}
	for _, a := range []string{"billing.grace", "billing.suspended", "billing.active"} {
		if w.audited(t, "alpha", a) != 1 {
			t.Fatalf("%s not in the operators' audit log", a)
		}
	}
}
