package billing

import (
	"context"
	"errors"
	"net/mail"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/tenant"
)

// ErrBadEmail is an invoice e-mail that is not an address.
var ErrBadEmail = platform.NewKeyedError(platform.ErrInvalid, "billing.error.email", "not an e-mail address")

// Overview is what a tenant's admins see of its billing.
type Overview struct {
	Account *Account
	Next    *Invoice
	Past    []Invoice
}

// Overview reads t's account and, from Stripe, its next and past invoices
// (nil account: t is not billed).
func (s *Service) Overview(ctx context.Context, t *tenant.Tenant) (*Overview, error) {
	if !s.On() {
		return nil, ErrOff
	}
	a, err := account(ctx, s.DB, t.ID, false)
	if errors.Is(err, errNoAccount) || err == nil && a.CustomerID == "" {
		return &Overview{}, nil
	}
	if err != nil {
		return nil, err
	}
	o := &Overview{Account: a}
	o.Next, o.Past, err = s.Provider.Invoices(ctx, a.CustomerID)
	return o, err
}

// SetEmail sends t's invoices to email from now on, in Stripe and here,
// audited.
func (s *Service) SetEmail(ctx context.Context, t *tenant.Tenant, email string) error {
	if !s.On() {
		return ErrOff
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil || addr.Name != "" || len(addr.Address) > 254 {
		return ErrBadEmail
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		a, err := account(ctx, tx, t.ID, true)
		if errors.Is(err, errNoAccount) {
			a = &Account{TenantID: t.ID, LegalName: t.Name}
		} else if err != nil {
			return err
		}
		old := a.InvoiceEmail
		a.InvoiceEmail = addr.Address
		if a.CustomerID != "" {
			if err := s.Provider.UpdateEmail(ctx, a.CustomerID, a.InvoiceEmail); err != nil {
				return err
			}
		}
		if err := save(ctx, tx, a); err != nil {
			return err
		}
		return record(ctx, tx, t, "billing.email", map[string]any{"from": old, "email": a.InvoiceEmail})
	})
}
