package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/tenant"
)

// WebhookPath is where Stripe sends its events, on the operator host.
const WebhookPath = "/billing/webhook"

// Webhook answers Stripe's events: 400 for a payload whose signature does
// not verify (nothing recorded), 200 once the event is applied or when it
// was already, 404 while billing is off.
func (s *Service) Webhook(c *fiber.Ctx) error {
	if !s.On() {
		return fiber.ErrNotFound
	}
	ev, err := webhook.ConstructEvent(c.Body(), c.Get("Stripe-Signature"), s.Secret)
	if err != nil {
		return c.Status(fiber.StatusBadRequest).SendString("invalid signature")
	}
	if err := s.Apply(c.UserContext(), ev); err != nil {
		return err // 500: Stripe delivers it again
	}
	return c.SendString("ok")
}

// eventObject is what Piazza reads of an event's object.
type eventObject struct {
	Object   string `json:"object"`
	Customer string `json:"customer"`
	Status   string `json:"status"`
}

// Apply applies verified event ev once: its id is recorded first, in the
// same transaction, so a second delivery changes nothing. An event older
// than the last one applied to its account is recorded and ignored, so
// that events arriving in any order end in the state of the newest.
func (s *Service) Apply(ctx context.Context, ev stripe.Event) error {
	var obj eventObject
	if ev.Data != nil {
		_ = json.Unmarshal(ev.Data.Raw, &obj)
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		first, err := firstDelivery(ctx, tx, ev.ID, string(ev.Type))
		if err != nil || !first || obj.Customer == "" {
			return err
		}
		a, err := accountByCustomer(ctx, tx, obj.Customer)
		if errors.Is(err, errNoAccount) {
			return nil // not one of ours
		}
		if err != nil {
			return err
		}
		at := time.Unix(ev.Created, 0).UTC()
		if a.EventAt != nil && at.Before(*a.EventAt) {
			return nil
		}
		a.EventAt = &at
		return s.transition(ctx, tx, a, string(ev.Type), obj)
	})
}

// stateOf is the billing state an event leads to ("" for none).
func stateOf(typ string, obj eventObject) tenant.BillingState {
	switch typ {
	case "invoice.paid", "invoice.payment_succeeded":
		return tenant.BillingActive
	case "invoice.payment_failed":
		return tenant.BillingGrace
	case "customer.subscription.deleted":
		return tenant.BillingSuspended
	case "customer.subscription.created", "customer.subscription.updated":
		switch obj.Status {
		case "active", "trialing":
			return tenant.BillingActive
		case "past_due", "unpaid", "incomplete":
			return tenant.BillingGrace
		case "canceled", "incomplete_expired":
			return tenant.BillingSuspended
		}
	}
	return ""
}

// transition moves a's tenant to the state the event leads to, audited.
func (s *Service) transition(ctx context.Context, tx bun.Tx, a *Account, typ string, obj eventObject) error {
	if obj.Object == "subscription" && obj.Status != "" {
		a.Status = obj.Status
	}
	if err := save(ctx, tx, a); err != nil {
		return err
	}
	to := stateOf(typ, obj)
	if to == "" {
		return nil
	}
	t, err := s.tenantByID(ctx, tx, a.TenantID)
	if err != nil {
		return err
	}
	return s.move(ctx, tx, t, to, typ)
}

// move puts t in state to (a grace period starts once, and runs its
// course), audited with the cause.
func (s *Service) move(ctx context.Context, tx bun.Tx, t *tenant.Tenant, to tenant.BillingState, cause string) error {
	var until *time.Time
	switch {
	case to == tenant.BillingGrace && t.Billing == tenant.BillingGrace:
		return nil
	case to == tenant.BillingGrace && t.Billing == tenant.BillingSuspended:
		return nil // a failed payment does not lift a suspension
	case to == tenant.BillingGrace:
		u := s.now().Add(s.grace()).UTC()
		until = &u
	case to == t.Billing:
		return nil
	}
	if err := s.Registry.SetBilling(ctx, tx, t.ID, to, until); err != nil {
		return err
	}
	detail := map[string]any{"from": string(t.Billing), "to": string(to), "cause": cause}
	if until != nil {
		detail["grace_until"] = until.Format(time.RFC3339)
	}
	return record(ctx, tx, t, "billing."+string(to), detail)
}

// tenantByID reads tenant id's slug, name and billing state.
func (s *Service) tenantByID(ctx context.Context, idb bun.IDB, id int64) (*tenant.Tenant, error) {
	t := new(tenant.Tenant)
	if err := idb.NewSelect().Model(t).Where("id = ?", id).For("UPDATE").Scan(ctx); err != nil {
		return nil, fmt.Errorf("billed tenant %d: %w", id, err)
	}
	return t, nil
}

// Sweep suspends the tenants whose grace period has ended unpaid; the
// periodic job runs it.
func (s *Service) Sweep(ctx context.Context) error {
	var ids []int64
	err := s.DB.NewSelect().Model((*tenant.Tenant)(nil)).Column("id").
		Where("billing_state = ? AND billing_grace_until <= ?", tenant.BillingGrace, s.now()).Scan(ctx, &ids)
	if err != nil {
		return fmt.Errorf("billing sweep: %w", err)
	}
	for _, id := range ids {
		err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			t, err := s.tenantByID(ctx, tx, id)
			if err != nil || t.Billing != tenant.BillingGrace || t.BillingGraceUntil.After(s.now()) {
				return err
			}
			return s.move(ctx, tx, t, tenant.BillingSuspended, "grace_ended")
		})
		if err != nil {
			return err
		}
	}
	return nil
}
