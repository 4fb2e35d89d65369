package organization

import (
	"errors"
	"net/mail"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/taxid"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// LegalForms are the legal forms offered (the form's list; "" for none).
var LegalForms = []string{"spa", "srl", "srls", "sapa", "sas", "snc", "cooperative", "sole_trader",
	"consortium", "association", "foundation", "public_body", "university", "research_body", "other"}

// fromForm reads an organisation from the form and checks it: name, VAT
// number and fiscal code by their Italian rules, e-mail and website.
func fromForm(c *fiber.Ctx) (*Organization, form.Errors) {
	field := func(name string, max int) string {
		s := strings.TrimSpace(c.FormValue(name))
		if len([]rune(s)) > max {
			s = string([]rune(s)[:max])
		}
		return s
	}
	o := &Organization{Name: strings.Join(strings.Fields(c.FormValue("name")), " "), LegalForm: c.FormValue("legal_form"),
		RegisteredOffice: field("registered_office", 300), OperatingOffice: field("operating_office", 300),
		LegalRepresentative: field("legal_representative", 200), Email: field("email", 254), Phone: field("phone", 40),
		Website: field("website", 300), Description: strings.TrimSpace(c.FormValue("description"))}
	o.Themes = taxonomy.KnownThemes(form.Values(c, "themes"))
	if o.Themes == nil {
		o.Themes = []string{}
	}
	errs := form.Errors{}
	o.Competencies = directory.Competencies(c.FormValue("competencies"), errs, "organization.error.competency")
	if n := len([]rune(o.Name)); n < 2 || n > 200 {
		errs.Add("name", "organization.error.name")
	}
	if s := c.FormValue("vat_number"); strings.TrimSpace(s) != "" {
		v, err := taxid.VAT(s)
		o.VATNumber = &s
		switch {
		case errors.Is(err, taxid.ErrCheck):
			errs.Add("vat_number", "organization.error.vat_check")
		case err != nil:
			errs.Add("vat_number", "organization.error.vat_format")
		default:
			o.VATNumber = &v
		}
	}
	if s := c.FormValue("fiscal_code"); strings.TrimSpace(s) != "" {
		v, err := taxid.FiscalCode(s)
		o.FiscalCode = &s
		switch {
		case errors.Is(err, taxid.ErrCheck):
			errs.Add("fiscal_code", "organization.error.fiscal_check")
		case err != nil:
			errs.Add("fiscal_code", "organization.error.fiscal_format")
		default:
			o.FiscalCode = &v
		}
	}
	if o.LegalForm != "" && !slices.Contains(LegalForms, o.LegalForm) {
		errs.Add("legal_form", "organization.error.legal_form")
	}
	if o.Email != "" {
		if a, err := mail.ParseAddress(o.Email); err != nil || a.Address != o.Email {
			errs.Add("email", "organization.error.email")
		}
	}
	if o.Website != "" {
		u, err := url.Parse(o.Website)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs.Add("website", "organization.error.website")
		}
	}
	if len([]rune(o.Description)) > 4000 {
		errs.Add("description", "organization.error.description")
	}
	return o, errs
}
