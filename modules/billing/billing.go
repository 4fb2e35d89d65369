// Package billing is a tenant's billing page (/admin/billing: plan, next
// invoice, past invoices, the e-mail invoices go to), the banner that tells
// its admins of an unpaid invoice, and Stripe's webhook on the operator
// host. The rules live in tenant/billing.
package billing

import (
	"embed"
	"errors"
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
	service "github.com/piazza-pa/piazza/tenant/billing"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Deps are what the page needs; a Billing that is off shows that billing
// is not configured.
type Deps struct {
	DB      *bun.DB
	Billing *service.Service
	Shell   *web.Shell
	PageFor func(c *fiber.Ctx, site string) web.Page
}

// Module is the billing page.
type Module struct {
	Deps
	screen.Kit
}

// New parses the page.
func New(d Deps) (*Module, error) {
	k, err := screen.New(screen.Deps{DB: d.DB, Shell: d.Shell, PageFor: d.PageFor}, templates, Messages, template.FuncMap{"cents": func(n int64) float64 { return float64(n) / 100 }})
	if err != nil {
		return nil, err
	}
	return &Module{Deps: d, Kit: k}, nil
}

// Routes registers the page behind the admin permission.
func (m *Module) Routes(r fiber.Router) {
	g := r.Group("/admin/billing", authz.Require("admin/area", "manage"))
	g.Get("/", m.show)
	g.Post("/account", m.setAccount)
}

type view struct {
	web.Page
	On             bool
	Plan           *tenant.Plan
	State          tenant.BillingState
	Tenant         *tenant.Tenant
	Error, Message string
	*service.Overview
	// Form is the billing account as the form shows it, Errors the
	// reasons its fields were refused, by field name.
	Form   *service.Account
	Errors map[string]string
}

// field is a field of the billing account's form.
type field struct {
	L                                  *i18n.Localizer
	ID, Name, Kind, Value, Error, Auto string
}

// Field is the account form's field id (its messages billing.field.<id>
// and <id>_help), posted as name, of input type kind.
func (v view) Field(id, name, kind, value, auto string) field {
	return field{L: v.L, ID: id, Name: name, Kind: kind, Value: value, Error: v.Errors[id], Auto: auto}
}

func (m *Module) show(c *fiber.Ctx) error {
	msg := ""
	if c.Query("saved") == "1" {
		msg = m.T(c, "billing.account_saved")
	}
	return m.render(c, fiber.StatusOK, view{Message: msg})
}

func (m *Module) render(c *fiber.Ctx, status int, v view) error {
	t := tenant.FromContext(c.UserContext())
	v.Page, v.On, v.Plan, v.State, v.Tenant, v.Overview = m.PageFor(c, t.Name), m.Billing.On(), t.Plan, t.Billing, t, &service.Overview{}
	if v.On {
		o, err := m.Billing.Overview(c.UserContext(), t)
		if err != nil {
			return err
		}
		v.Overview = o
		if v.Form == nil {
			if v.Form, err = m.Billing.AccountOf(c.UserContext(), m.DB, t, false); err != nil {
				return err
			}
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, status, "billing.html", v)
}

// setAccount changes the legal name, VAT number and invoice e-mail of the
// administration; a refused field is shown next to it, nothing saved.
func (m *Module) setAccount(c *fiber.Ctx) error {
	if !m.Billing.On() {
		return service.ErrOff
	}
	t := tenant.FromContext(c.UserContext())
	actor := "?"
	if u := auth.UserFromContext(c.UserContext()); u != nil {
		actor = u.Subject() + " " + u.Email
	}
	name, vat, email := c.FormValue("legal_name"), c.FormValue("vat_number"), c.FormValue("email")
	_, err := m.Billing.SetAccount(c.UserContext(), t, service.AccountInput{LegalName: &name, VATNumber: &vat, Email: &email,
		Actor: actor, ClientAddr: web.ClientAddr(c)})
	var bad service.Invalid
	if errors.As(err, &bad) {
		v := view{Form: &service.Account{LegalName: name, VATNumber: vat, InvoiceEmail: email}, Errors: map[string]string{},
			Error: m.T(c, "billing.account_refused")}
		for f, e := range bad {
			v.Errors[f] = m.ErrText(c, e)
		}
		return m.render(c, fiber.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	return redirect.To(c, "/admin/billing?saved=1")
}

// Decorate warns a tenant's admins, on every page, that an invoice is
// unpaid and until when the site can be read but not changed.
func (m *Module) Decorate(c *fiber.Ctx, p *web.Page) {
	t := tenant.FromContext(c.UserContext())
	if t == nil || t.Billing != tenant.BillingGrace || !authz.Can(c.UserContext(), "admin/area", "manage") {
		return
	}
	until := ""
	if t.BillingGraceUntil != nil {
		until = p.L.Date(*t.BillingGraceUntil)
	}
	p.Notice = &web.Link{Label: p.L.T("billing.banner", "Until", until), URL: "/admin/billing"}
}

// Webhook is Stripe's webhook endpoint, on the operator host.
type Webhook struct{ Billing *service.Service }

// Routes registers the endpoint (its requests carry no CSRF token: their
// signature proves them).
func (w Webhook) Routes(r fiber.Router) { r.Post(service.WebhookPath, w.Billing.Webhook) }

// Jobs reports usage and ends grace periods, hourly (none while billing
// is off).
func (m *Module) Jobs(ws *river.Workers) []*river.PeriodicJob { return m.Billing.Jobs(ws) }
