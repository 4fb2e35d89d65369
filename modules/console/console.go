// Package console is the operator console, on the operator host: operators
// sign in with their local account, see every tenant with its usage, create
// tenants (one by one or from a CSV file), and suspend, resume, delete and
// restore them; `piazza tenant …` does the same from the command line.
package console

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/billing"
	"github.com/piazza-pa/piazza/tenant/onboard"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the console's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Messages are the module's message files, for the site's bundle.
func (m *Module) Messages() fs.FS { return Messages }

// Deps are what the console needs.
type Deps struct {
	DB       *bun.DB
	Registry *tenant.Registry
	Sessions *session.Store
	CSRF     *csrf.Protector
	Secure   bool
	// Throttle limits failed sign-ins (table piazza.operator_auth_failures).
	Throttle *auth.Throttle
	// Shell lays out and translates the pages.
	Shell *web.Shell
	// Onboard provisions tenants with their first admin's way to sign in
	// and changes their sign-in methods.
	Onboard *onboard.Onboarder
	// Billing keeps the paying administrations' billing accounts (nil:
	// the tenant page has no billing account form).
	Billing *billing.Service
}

// Module is the operator console.
type Module struct {
	Deps
	pages map[string]*template.Template
}

// New parses the console's templates.
func New(d Deps) (*Module, error) {
	pages, err := d.Shell.Pages(templates, "templates/*.html", template.FuncMap{"add": func(a, b int) int { return a + b }})
	if err != nil {
		return nil, err
	}
	if err := auth.AddFields(pages); err != nil { // the sign-in form's
		return nil, err
	}
	return &Module{Deps: d, pages: pages}, nil
}

// Routes registers the console's routes; all but sign-in need an operator.
func (m *Module) Routes(r fiber.Router) {
	r.Post("/login", m.login)
	r.Post("/logout", m.logout)
	r.Use(m.requireOperator)
	r.Get("/", m.list)
	r.Post("/tenants", m.create)
	r.Post("/import", m.importCSV)
	r.Get("/tenants/:slug", m.show)
	r.Post("/tenants/:slug/plan", m.setPlan)
	r.Post("/tenants/:slug/billing", m.setBilling)
	r.Get("/plans", m.plans)
	r.Post("/plans", m.createPlan)
	r.Get("/plans/:slug", m.editPlan)
	r.Post("/plans/:slug", m.updatePlan)
	r.Post("/tenants/:slug/signin/local", m.setLocal)
	r.Post("/tenants/:slug/signin/idps", m.addIdP)
	r.Post("/tenants/:slug/signin/idps/:key/remove", m.removeIdP)
	r.Post("/tenants/:slug/:action", m.act)
}

type view struct {
	web.Page
	Error, Message, Email string
	// Errors are the problems of a form's fields, by field id.
	Errors map[string]string
}

type ctxKey struct{}

// operatorOf is the signed-in operator of the request (requireOperator ran).
func operatorOf(c *fiber.Ctx) *operator.Operator {
	o, _ := c.UserContext().Value(ctxKey{}).(*operator.Operator)
	return o
}

// requireOperator shows the sign-in form to anyone not signed in.
func (m *Module) requireOperator(c *fiber.Ctx) error {
	o, err := m.signedIn(c)
	if err != nil {
		return err
	}
	if o == nil {
		if c.Method() != fiber.MethodGet {
			return fiber.ErrForbidden
		}
		return m.render(c, fiber.StatusOK, "login.html", &view{})
	}
	c.SetUserContext(context.WithValue(c.UserContext(), ctxKey{}, o))
	return c.Next()
}

// page is what every console view embeds.
type page interface{ setPage(web.Page) }

func (v *view) setPage(p web.Page) { v.Page = p }

func (m *Module) render(c *fiber.Ctx, status int, name string, v page) error {
	user := ""
	if o := operatorOf(c); o != nil {
		user = o.DisplayName
		if user == "" {
			user = o.Email
		}
	}
	p := m.Shell.NewPage(c, m.Shell.I18n.FromContext(c.UserContext()).T("console.title"), user, csrf.Token(c))
	p.SignOut = "/logout"
	v.setPage(p)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, status, m.pages[name], v)
}

// t translates for the request.
func (m *Module) t(c *fiber.Ctx, key string, args ...any) string {
	return m.Shell.I18n.FromContext(c.UserContext()).T(key, args...)
}

// errText is err in the request's language when it carries a message key.
func (m *Module) errText(c *fiber.Ctx, err error) string {
	return platform.Localize(err, m.Shell.I18n.FromContext(c.UserContext()).T)
}

// signedIn returns the operator of the request's session, or nil.
func (m *Module) signedIn(c *fiber.Ctx) (*operator.Operator, error) {
	token := c.Cookies(session.CookieName)
	if token == "" {
		return nil, nil
	}
	ctx := c.UserContext()
	sess, err := m.Sessions.Lookup(ctx, m.DB, token)
	if errors.Is(err, session.ErrNoSession) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	o, err := operator.ByID(ctx, m.DB, sess.UserID)
	if err != nil || o.Disabled {
		return nil, nil
	}
	return o, nil
}

// login signs an operator in, or shows the form again with the reason.
func (m *Module) login(c *fiber.Ctx) error {
	email := c.FormValue("email")
	token, expires, err := m.signIn(c.UserContext(), email, c.FormValue("password"), web.ClientAddr(c))
	switch {
	case errors.Is(err, auth.ErrThrottled):
		return m.render(c, fiber.StatusTooManyRequests, "login.html", &view{Error: m.errText(c, err), Email: email})
	case errors.Is(err, operator.ErrBadCredentials):
		return m.render(c, fiber.StatusUnauthorized, "login.html", &view{Error: m.errText(c, err), Email: email})
	case err != nil:
		return err
	}
	session.SetCookie(c, token, expires, m.Secure)
	m.CSRF.Rotate(c)
	return redirect.To(c, "/")
}

func (m *Module) logout(c *fiber.Ctx) error {
	if token := c.Cookies(session.CookieName); token != "" {
		if err := m.Sessions.Delete(context.WithoutCancel(c.UserContext()), m.DB, token); err != nil {
			return err
		}
	}
	session.ClearCookie(c, m.Secure)
	m.CSRF.Rotate(c)
	return redirect.To(c, "/")
}
