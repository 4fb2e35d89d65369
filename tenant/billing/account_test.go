package billing_test

import (
	"context"
	"errors"
	"testing"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/tenant/billing"
)

func str(s string) *string { return &s }

// TestAccountKeptWhileOff: with billing off the legal name, VAT number and
// invoice e-mail are kept (and audited); a bad field is refused by name
// with nothing written; once billing is on, the customer is created with
// them.
func TestAccountKeptWhileOff(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	off := &billing.Service{DB: w.db, Registry: w.reg}
	alpha := w.tenantState(t, "alpha")
	_, err := off.SetAccount(ctx, alpha, billing.AccountInput{LegalName: str(" "), VATNumber: str("IT00000000001"), Email: str("non è"), Actor: "test"})
	var bad billing.Invalid
	if !errors.As(err, &bad) || !errors.Is(err, platform.ErrInvalid) || bad["legal_name"] != billing.ErrBadLegalName ||
		bad["vat_number"] != billing.ErrVATFormat || bad["invoice_email"] != billing.ErrBadEmail {
		t.Fatalf("bad account: %v", err)
	}
	if _, err := off.SetAccount(ctx, alpha, billing.AccountInput{VATNumber: str("01234567891")}); !errors.As(err, &bad) || bad["vat_number"] != billing.ErrVATCheck {
		t.Fatalf("a wrong check digit: %v", err)
	}
	if w.account(t, "alpha") != nil || w.audited(t, "alpha", "billing.account") != 0 {
		t.Fatal("a refused account was written")
	}
	a, err := off.SetAccount(ctx, alpha, billing.AccountInput{LegalName: str("Comune  di Alpha Terme"), VATNumber: str("IT 00743110157"),
		Email: str("ragioneria@alpha.example"), Actor: "test"})
	if err != nil || a.VATNumber != "00743110157" || a.LegalName != "Comune di Alpha Terme" {
		t.Fatalf("account with billing off: %+v, %v", a, err)
	}
	if len(w.mock.Requests("", "")) != 0 || w.audited(t, "alpha", "billing.account") != 1 {
		t.Fatal("billing off sent requests to Stripe or was not audited")
	}
	if _, err := w.reg.SetPlan(ctx, "alpha", "pro"); err != nil {
		t.Fatal(err)
	}
	cust := w.mock.Requests("POST", "/v1/customers")
	if len(cust) != 1 || cust[0].Form.Get("name") != "Comune di Alpha Terme" || cust[0].Form.Get("email") != "ragioneria@alpha.example" ||
		cust[0].Form.Get("tax_id_data[0][value]") != "IT00743110157" || cust[0].Form.Get("tax_id_data[0][type]") != "eu_vat" {
		t.Fatalf("customer created with: %+v", cust)
	}
}

// TestAccountUpdatesCustomer: a customer's legal name, e-mail and VAT
// number changed here are sent to Stripe (its EU VAT ids replaced only
// when the number changed).
func TestAccountUpdatesCustomer(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if _, err := w.reg.SetPlan(ctx, "alpha", "pro"); err != nil {
		t.Fatal(err)
	}
	alpha := w.tenantState(t, "alpha")
	id := w.account(t, "alpha").CustomerID
	if _, err := w.svc.SetAccount(ctx, alpha, billing.AccountInput{LegalName: str("Comune di Alpha"), VATNumber: str("00743110157"),
		Email: str("fatture@alpha.example")}); err != nil {
		t.Fatal(err)
	}
	up := w.mock.Requests("POST", "/v1/customers/"+id)
	if len(up) != 1 || up[0].Form.Get("name") != "Comune di Alpha" || up[0].Form.Get("email") != "fatture@alpha.example" {
		t.Fatalf("customer update: %+v", up)
	}
	if n := len(w.mock.Requests("GET", "/v1/customers/"+id+"/tax_ids")); n != 1 {
		t.Fatalf("tax ids listed %d times", n)
	}
	added := w.mock.Requests("POST", "/v1/customers/"+id+"/tax_ids")
	if len(added) != 1 || added[0].Form.Get("type") != "eu_vat" || added[0].Form.Get("value") != "IT00743110157" {
		t.Fatalf("tax id added: %+v", added)
	}
	if a := w.account(t, "alpha"); a.InvoiceEmail != "fatture@alpha.example" || a.VATNumber != "00743110157" {
		t.Fatalf("account: %+v", a)
	}
	// The e-mail alone: the customer updated, its tax ids untouched.
	if _, err := w.svc.SetAccount(ctx, alpha, billing.AccountInput{Email: str("ragioneria@alpha.example")}); err != nil {
		t.Fatal(err)
	}
	if len(w.mock.Requests("POST", "/v1/customers/"+id)) != 2 || len(w.mock.Requests("GET", "/v1/customers/"+id+"/tax_ids")) != 1 {
		t.Fatal("an e-mail change touched the tax ids, or was not sent")
	}
}
