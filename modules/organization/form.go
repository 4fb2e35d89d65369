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
	o.VATNumber = taxID(c, errs, "vat_number", "organization.error.vat", taxid.VAT)
	o.FiscalCode = taxID(c, errs, "fiscal_code", "organization.error.fiscal", taxid.FiscalCode)
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

// taxID reads the form's tax identifier field (nil for none) as parse
// normalises it; what parse refuses stays as typed, with the message
// key+"_check" (a wrong check character) or key+"_format" on the field.
func taxID(c *fiber.Ctx, errs form.Errors, field, key string, parse func(string) (string, error)) *string {
	s := c.FormValue(field)
	if strings.TrimSpace(s) == "" {
		return nil
	}
	v, err := parse(s)
	switch {
	case errors.Is(err, taxid.ErrCheck):
		errs.Add(field, key+"_check")
	case err != nil:
		errs.Add(field, key+"_format")
	default:
		return &v
	}
	return &s
}
