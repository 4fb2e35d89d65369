package billing

import (
	"context"
	"errors"
	"net/mail"
	"sort"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/platform/taxid"
	"github.com/piazza-pa/piazza/tenant"
)

// The reasons a billing account's field is refused.
var (
	ErrBadEmail     = platform.NewKeyedError(platform.ErrInvalid, "billing.error.email", "not an e-mail address")
	ErrBadLegalName = platform.NewKeyedError(platform.ErrInvalid, "billing.error.legal_name", "the legal name has 1 to 200 characters")
	ErrVATFormat    = platform.NewKeyedError(platform.ErrInvalid, "billing.error.vat_format", "a VAT number has 11 digits")
	ErrVATCheck     = platform.NewKeyedError(platform.ErrInvalid, "billing.error.vat_check", "the VAT number's check digit is wrong")
)

// Invalid is a billing account refused, the reason of each field
// (legal_name, vat_number, invoice_email) by its name.
type Invalid map[string]error

func (e Invalid) Error() string {
	var parts []string
	for f, err := range e {
		parts = append(parts, f+": "+err.Error())
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, platform.ErrInvalid) hold.
func (e Invalid) Unwrap() error { return platform.ErrInvalid }

// AccountInput is a change of a billing account as typed; a nil field
// stays as it is. Actor and ClientAddr say who changes it, for the audit
// log.
type AccountInput struct {
	LegalName, VATNumber, Email *string
	Actor, ClientAddr           string
}

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

// AccountOf is t's billing account, or the one it would start with (its
// name as legal name, its admin's e-mail for invoices; not saved).
func (s *Service) AccountOf(ctx context.Context, idb bun.IDB, t *tenant.Tenant, lock bool) (*Account, error) {
	a, err := account(ctx, idb, t.ID, lock)
	if errors.Is(err, errNoAccount) {
		return &Account{TenantID: t.ID, LegalName: t.Name, InvoiceEmail: t.AdminEmail}, nil
	}
	return a, err
}

// SetAccount changes who t's invoices are made out to and sent to, here
// and, when t is a Stripe customer and billing is on, in Stripe; audited.
// With billing off the values are kept for when it is turned on.
func (s *Service) SetAccount(ctx context.Context, t *tenant.Tenant, in AccountInput) (*Account, error) {
	var a *Account
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if a, err = s.AccountOf(ctx, tx, t, true); err != nil {
			return err
		}
		oldVAT := a.VATNumber
		if err := in.apply(a); err != nil {
			return err
		}
		if a.CustomerID != "" && s.On() {
			if err := s.Provider.UpdateCustomer(ctx, a, a.VATNumber != oldVAT); err != nil {
				return err
			}
		}
		if err := save(ctx, tx, a); err != nil {
			return err
		}
		id := t.ID
		return audit.Record(ctx, tx, audit.Entry{Actor: in.Actor, TenantID: &id, TenantSlug: t.Slug, Action: "billing.account",
			Detail:     map[string]any{"legal_name": a.LegalName, "vat_number": a.VATNumber, "invoice_email": a.InvoiceEmail},
			ClientAddr: in.ClientAddr})
	})
	return a, err
}

// apply sets a's fields from in, refusing each bad one.
func (in AccountInput) apply(a *Account) error {
	bad := Invalid{}
	if in.LegalName != nil {
		a.LegalName = strings.Join(strings.Fields(*in.LegalName), " ")
	}
	if n := len([]rune(a.LegalName)); n < 1 || n > 200 {
		bad["legal_name"] = ErrBadLegalName
	}
	if in.VATNumber != nil {
		a.VATNumber = ""
		if v := strings.TrimSpace(*in.VATNumber); v != "" {
			n, err := taxid.VAT(v)
			switch {
			case errors.Is(err, taxid.ErrCheck):
				bad["vat_number"] = ErrVATCheck
			case err != nil:
				bad["vat_number"] = ErrVATFormat
			}
			a.VATNumber = n
		}
	}
	if in.Email != nil {
		a.InvoiceEmail = strings.TrimSpace(*in.Email)
	}
	addr, err := mail.ParseAddress(a.InvoiceEmail)
	if err != nil || addr.Name != "" || addr.Address != a.InvoiceEmail || len(addr.Address) > 254 {
		bad["invoice_email"] = ErrBadEmail
	}
	if len(bad) > 0 {
		return bad
	}
	return nil
}
