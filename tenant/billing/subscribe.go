package billing

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/tenant"
)

// Sync bills tenant t for its plan, after a tenant's creation or a change
// of plan (tenant.Registry.OnPlan): a priced plan gets the administration a Stripe customer (its
// legal name and invoice e-mail from the tenant until its admins say
// otherwise) and a subscription to the plan's prices, replacing one to
// another plan; a plan with no charge ends the subscription. Billing off:
// nothing happens.
func (s *Service) Sync(ctx context.Context, t *tenant.Tenant) error {
	if !s.On() || t.Plan == nil {
		return nil
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		a, err := account(ctx, tx, t.ID, true)
		if errors.Is(err, errNoAccount) {
			a, err = &Account{TenantID: t.ID, LegalName: t.Name, InvoiceEmail: t.AdminEmail}, nil
		}
		if err != nil {
			return err
		}
		if t.Plan.PriceCents == nil {
			return s.unsubscribe(ctx, tx, t, a)
		}
		return s.subscribe(ctx, tx, t, a)
	})
}

// subscribe subscribes a to t's priced plan, unless it already is.
func (s *Service) subscribe(ctx context.Context, tx bun.Tx, t *tenant.Tenant, a *Account) error {
	prices, err := s.prices(ctx, tx, t.Plan)
	if err != nil {
		return err
	}
	if a.Subscription != "" && a.PriceID == prices.Price {
		return nil // already on this plan's price
	}
	if a.InvoiceEmail == "" {
		return fmt.Errorf("bill %s: no e-mail for its invoices (the tenant has no admin e-mail)", t.Slug)
	}
	if a.CustomerID == "" {
		if a.CustomerID, err = s.Provider.Customer(ctx, a); err != nil {
			return fmt.Errorf("bill %s: %w", t.Slug, err)
		}
		if err := record(ctx, tx, t, "billing.customer", map[string]any{"customer": a.CustomerID}); err != nil {
			return err
		}
	}
	if a.Subscription != "" {
		if err := s.Provider.Cancel(ctx, a.Subscription); err != nil {
			return fmt.Errorf("bill %s: %w", t.Slug, err)
		}
	}
	sub, err := s.Provider.Subscribe(ctx, a.CustomerID, prices, t.ID)
	if err != nil {
		return fmt.Errorf("bill %s: %w", t.Slug, err)
	}
	a.Subscription, a.MembersItem, a.StorageItem, a.Status, a.PriceID = sub.ID, sub.MembersItem, sub.StorageItem, sub.Status, prices.Price
	if err := save(ctx, tx, a); err != nil {
		return err
	}
	if err := s.Registry.SetBilling(ctx, tx, t.ID, tenant.BillingActive, nil); err != nil {
		return err
	}
	return record(ctx, tx, t, "billing.subscribed", map[string]any{"plan": t.Plan.Slug, "subscription": sub.ID})
}

// unsubscribe ends a's subscription: the tenant is no longer billed.
func (s *Service) unsubscribe(ctx context.Context, tx bun.Tx, t *tenant.Tenant, a *Account) error {
	if a.Subscription == "" {
		return nil
	}
	if err := s.Provider.Cancel(ctx, a.Subscription); err != nil {
		return fmt.Errorf("bill %s: %w", t.Slug, err)
	}
	old := a.Subscription
	a.Subscription, a.MembersItem, a.StorageItem, a.Status, a.PriceID = "", "", "", "canceled", ""
	if err := save(ctx, tx, a); err != nil {
		return err
	}
	if err := s.Registry.SetBilling(ctx, tx, t.ID, tenant.BillingNone, nil); err != nil {
		return err
	}
	return record(ctx, tx, t, "billing.unsubscribed", map[string]any{"plan": t.Plan.Slug, "subscription": old})
}

// prices returns plan p's Stripe prices, creating them the first time.
func (s *Service) prices(ctx context.Context, tx bun.Tx, p *tenant.Plan) (tenant.StripePrices, error) {
	if p.Stripe.Price != "" {
		return p.Stripe, nil
	}
	pr, err := s.Provider.Prices(ctx, p)
	if err != nil {
		return pr, fmt.Errorf("prices of plan %s: %w", p.Slug, err)
	}
	_, err = tx.NewUpdate().Model(p).Set("stripe_price_id = ?, stripe_members_price_id = ?, stripe_storage_price_id = ?",
		pr.Price, pr.Members, pr.Storage).WherePK().Exec(ctx)
	if err != nil {
		return pr, fmt.Errorf("keep prices of plan %s: %w", p.Slug, err)
	}
	p.Stripe = pr
	return pr, nil
}
