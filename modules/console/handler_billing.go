package console

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant/billing"
)

// setBilling changes who a tenant's invoices are made out to (legal name,
// VAT number) and sent to; a refused field is shown next to it and
// nothing is saved. Billing off, the values are kept for when it is on.
func (m *Module) setBilling(c *fiber.Ctx) error {
	if m.Billing == nil {
		return fiber.ErrNotFound
	}
	slug := c.Params("slug")
	t, err := m.Registry.Get(c.UserContext(), slug)
	if err != nil {
		return err
	}
	name, vat, email := c.FormValue("legal_name"), c.FormValue("vat_number"), c.FormValue("invoice_email")
	_, err = m.Billing.SetAccount(c.UserContext(), t, billing.AccountInput{LegalName: &name, VATNumber: &vat, Email: &email,
		Actor: actor(c), ClientAddr: web.ClientAddr(c)})
	var bad billing.Invalid
	if errors.As(err, &bad) {
		tv := &tenantView{view: view{Error: m.t(c, "console.billing_refused"), Errors: map[string]string{}},
			Account: &billing.Account{LegalName: name, VATNumber: vat, InvoiceEmail: email}}
		for f, e := range bad {
			tv.Errors[f] = m.errText(c, e)
		}
		return m.renderTenantView(c, fiber.StatusUnprocessableEntity, slug, tv)
	}
	if err != nil {
		return err
	}
	return m.renderTenant(c, fiber.StatusOK, slug, view{Message: m.t(c, "console.billing_saved")})
}
