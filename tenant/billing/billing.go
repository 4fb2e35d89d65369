// Package billing bills paying administrations through Stripe: a customer
// per administration, a subscription per plan, metered usage (active
// members, storage) reported once per period, and Stripe's webhooks, which
// move a tenant between active, a read-only grace period and suspension.
// With no Stripe key it is off: nothing is billed and everything else works.
package billing

import (
	"context"
	"errors"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/tenant"
)

// DefaultGrace is how long a tenant stays read-only after a failed payment
// before it is suspended.
const DefaultGrace = 14 * 24 * time.Hour

// ErrOff is a billing action asked while billing is not configured.
var ErrOff = platform.NewKeyedError(platform.ErrNotFound, "billing.error.off", "billing is not configured")

// Provider is the payment service's side of billing (Stripe, or a test's).
type Provider interface {
	// Prices creates the Stripe prices of priced plan p.
	Prices(ctx context.Context, p *tenant.Plan) (tenant.StripePrices, error)
	// Customer creates the customer of a, returning its id.
	Customer(ctx context.Context, a *Account) (string, error)
	// UpdateCustomer sends account a's legal name and invoice e-mail to its
	// customer, and its VAT number too when vat says it changed.
	UpdateCustomer(ctx context.Context, a *Account, vat bool) error
	// Subscribe subscribes customer to prices, returning the subscription.
	Subscribe(ctx context.Context, customer string, prices tenant.StripePrices, tenantID int64) (*Subscription, error)
	// Cancel ends subscription id.
	Cancel(ctx context.Context, id string) error
	// Report sets a metered item's usage for a period, once per key.
	Report(ctx context.Context, item string, quantity int64, at time.Time, key string) error
	// Invoices returns customer's next invoice (nil: none) and past ones.
	Invoices(ctx context.Context, customer string) (*Invoice, []Invoice, error)
}

// Subscription is a subscription and its metered items.
type Subscription struct {
	ID, MembersItem, StorageItem, Status string
}

// Invoice is an invoice as the billing page shows it.
type Invoice struct {
	Number, Status, Currency, URL string
	AmountCents                   int64
	Date                          time.Time
}

// Service is billing; a nil Provider is billing off.
type Service struct {
	DB       *bun.DB
	Registry *tenant.Registry
	Provider Provider
	// Secret verifies the webhooks' signatures.
	Secret string
	// Grace is how long a tenant is read-only before suspension
	// (DefaultGrace when zero).
	Grace time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// On says whether billing is configured.
func (s *Service) On() bool { return s != nil && s.Provider != nil }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) grace() time.Duration {
	if s.Grace > 0 {
		return s.Grace
	}
	return DefaultGrace
}

// record writes a billing change of tenant t to the operators' audit log.
func record(ctx context.Context, idb bun.IDB, t *tenant.Tenant, action string, detail map[string]any) error {
	id := t.ID
	return audit.Record(ctx, idb, audit.Entry{Actor: "billing", TenantID: &id, TenantSlug: t.Slug,
		Action: action, Detail: detail})
}

// errNoAccount is a tenant that has no billing account.
var errNoAccount = errors.New("no billing account")

// asStripe is errors.As for Stripe's errors.
func asStripe(err error, se **stripe.Error) bool { return errors.As(err, se) }
