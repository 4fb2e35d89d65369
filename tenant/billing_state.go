package tenant

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
)

// BillingState is where a tenant stands with its payments.
type BillingState string

// The billing states: none (not billed: no charge, or billing off), active
// (paid), grace (a payment failed: the site is read-only until the grace
// ends), suspended (not paid after the grace, or the subscription ended).
const (
	BillingNone      BillingState = "none"
	BillingActive    BillingState = "active"
	BillingGrace     BillingState = "grace"
	BillingSuspended BillingState = "suspended"
)

// ErrBillingSuspended is a request to a site suspended for want of payment.
var ErrBillingSuspended = platform.NewKeyedError(platform.ErrUnavailable, "billing.error.suspended",
	"this site is suspended: its administration's subscription is unpaid")

// ErrBillingReadOnly is a change asked of a site in its payment grace period.
var ErrBillingReadOnly = platform.NewKeyedError(platform.ErrConflict, "billing.error.read_only",
	"this site is read-only until its administration's payment is settled")

// readOnlyExempt are the paths that still take changes in a grace period:
// signing in and out, and the billing page where admins settle.
var readOnlyExempt = []string{"/auth/login", "/auth/logout", "/auth/language", "/admin/billing"}

// billingGate refuses what t's billing state does not allow.
func billingGate(c *fiber.Ctx, t *Tenant) error {
	switch t.Billing {
	case BillingSuspended:
		return ErrBillingSuspended
	case BillingGrace:
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
			return nil
		}
		for _, p := range readOnlyExempt {
			if strings.HasPrefix(c.Path(), p) {
				return nil
			}
		}
		return ErrBillingReadOnly
	}
	return nil
}

// SetBilling puts tenant id in billing state s (until ends a grace period),
// in the caller's transaction when idb is one; every replica drops the
// tenant from its cache.
func (r *Registry) SetBilling(ctx context.Context, idb bun.IDB, id int64, s BillingState, until *time.Time) error {
	_, err := idb.NewUpdate().Model((*Tenant)(nil)).Set("billing_state = ?", s).Set("billing_grace_until = ?", until).
		Set("updated_at = now()").Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("set billing state: %w", err)
	}
	r.changed(id)
	return nil
}
