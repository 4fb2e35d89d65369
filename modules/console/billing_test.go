package console_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/operator"
)

// TestBillingAccountInTheConsole: an operator sets a tenant's legal name,
// VAT number and invoice e-mail (billing off: kept for later), a bad VAT
// number is refused next to its field with nothing written; no CSRF token
// or no operator, no change; a tenant's admin finds no such page on their
// site.
func TestBillingAccountInTheConsole(t *testing.T) {
	var form url.Values
	w := moduletest.New(t)
	ctx := context.Background()
	if _, err := operator.Create(ctx, w.DB.DB, opsEmail, "Operatrice", opsPassword); err != nil {
		t.Fatal(err)
	}
	rows := func() int64 {
		n, err := w.DB.DB.NewSelect().Table("piazza.billing_accounts").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// send posts a copy of form, with the CSRF token of page.
	send := func(b *moduletest.Browser, page, u string) (int, string) {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		return b.Send(page, u, f)
	}
	form = url.Values{"legal_name": {"Comune di Alpha Terme"}, "vat_number": {"IT00743110158"}, "invoice_email": {"ragioneria@alpha.example"}}
	guest := w.Browser(t, consoleSite, "")
	if code, _ := send(guest, consoleSite+"/", consoleSite+"/tenants/alpha/billing"); code != 403 {
		t.Fatalf("billing account set signed out: %d", code)
	}
	admin := w.Browser(t, moduletest.Alpha, "admin")
	if code, _ := send(admin, moduletest.Alpha+"/admin/idps/new", moduletest.Alpha+"/tenants/alpha/billing"); code != 404 && code != 403 || rows() != 0 {
		t.Fatalf("a tenant admin at the console's billing route on their site: %d", code)
	}
	ops := w.Browser(t, consoleSite, "")
	if code, _ := ops.Send(consoleSite+"/", consoleSite+"/login", url.Values{"email": {opsEmail}, "password": {opsPassword}}); code != 303 {
		t.Fatalf("sign-in: %d", code)
	}
	if res, _ := ops.Client.PostForm(consoleSite+"/tenants/alpha/billing", form); res.StatusCode != 403 {
		t.Fatalf("billing account posted without CSRF token: %d", res.StatusCode)
	}
	code, body := send(ops, consoleSite+"/tenants/alpha", consoleSite+"/tenants/alpha/billing")
	if code != 422 || !strings.Contains(body, `id="billing-vat_number-error">Questa partita IVA non è valida`) ||
		!strings.Contains(body, `value="Comune di Alpha Terme"`) || rows() != 0 {
		t.Fatalf("a wrong VAT number: %d, %d rows\n%s", code, rows(), body)
	}
	form.Set("vat_number", "IT00743110157")
	if code, body := send(ops, consoleSite+"/tenants/alpha", consoleSite+"/tenants/alpha/billing"); code != 200 ||
		!strings.Contains(body, "I dati di fatturazione sono stati salvati") || !strings.Contains(body, `value="00743110157"`) {
		t.Fatalf("the billing account: %d\n%s", code, body)
	}
	var got struct{ LegalName, VATNumber, InvoiceEmail string }
	if err := w.DB.DB.NewSelect().Table("piazza.billing_accounts").Column("legal_name", "vat_number", "invoice_email").
		Where("tenant_id = ?", w.A.ID).Scan(ctx, &got.LegalName, &got.VATNumber, &got.InvoiceEmail); err != nil {
		t.Fatal(err)
	}
	if got.LegalName != "Comune di Alpha Terme" || got.VATNumber != "00743110157" || got.InvoiceEmail != "ragioneria@alpha.example" {
		t.Fatalf("kept: %+v", got)
	}
	if n, _ := w.DB.DB.NewSelect().Table("piazza.audit_log").Where("tenant_slug = 'alpha' AND action = 'billing.account' AND actor LIKE 'operator:%'").
		Count(ctx); n != 1 {
		t.Fatalf("audit entries: %d", n)
	}
	if code, _ := send(ops, consoleSite+"/tenants/alpha", consoleSite+"/tenants/nessuno/billing"); code != 404 {
		t.Fatalf("an unknown tenant's billing account: %d", code)
	}
	if _, body := ops.Get(consoleSite + "/tenants/beta"); strings.Contains(body, "Alpha Terme") {
		t.Fatal("alpha's billing account on beta's page")
	}
}
