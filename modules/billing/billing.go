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

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/authz"
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
	g.Post("/email", m.setEmail)
}

type view struct {
	web.Page
	On             bool
	Plan           *tenant.Plan
	State          tenant.BillingState
	Tenant         *tenant.Tenant
	Error, Message string
	*service.Overview
}

func (m *Module) show(c *fiber.Ctx) error {
	msg := ""
	if c.Query("saved") == "1" {
		msg = m.T(c, "billing.email_saved")
	}
	return m.render(c, fiber.StatusOK, msg, "")
}

func (m *Module) render(c *fiber.Ctx, status int, msg, errText string) error {
	t := tenant.FromContext(c.UserContext())
	v := view{Page: m.PageFor(c, t.Name), On: m.Billing.On(), Plan: t.Plan, State: t.Billing, Tenant: t,
		Message: msg, Error: errText, Overview: &service.Overview{}}
	if v.On {
		o, err := m.Billing.Overview(c.UserContext(), t)
		if err != nil {
			return err
		}
		v.Overview = o
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, status, "billing.html", v)
}

func (m *Module) setEmail(c *fiber.Ctx) error {
	err := m.Billing.SetEmail(c.UserContext(), tenant.FromContext(c.UserContext()), c.FormValue("email"))
	if err != nil {
		if errors.Is(err, platform.ErrInvalid) {
			return m.render(c, fiber.StatusUnprocessableEntity, "", m.ErrText(c, err))
		}
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
