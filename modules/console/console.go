// Package console is the operator console, on the operator host: operators
// sign in with their local account and see every tenant. Managing tenants
// from the browser comes with the console work; today `piazza tenant …` does.
package console

import (
	"context"
	"embed"
	"errors"
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the console's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

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
}

// Module is the operator console.
type Module struct {
	Deps
	pages map[string]*template.Template
}

// New parses the console's templates.
func New(d Deps) (*Module, error) {
	pages, err := d.Shell.Pages(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &Module{Deps: d, pages: pages}, nil
}

// Routes registers the console's routes.
func (m *Module) Routes(r fiber.Router) {
	r.Get("/", m.home)
	r.Post("/login", m.login)
	r.Post("/logout", m.logout)
}

type view struct {
	web.Page
	Title, Error, Email, Operator string
	Tenants                       []*tenant.Tenant
}

func (m *Module) render(c *fiber.Ctx, status int, v view) error {
	v.Page = m.Shell.NewPage(c, m.Shell.I18n.FromContext(c.UserContext()).T("console.title"), v.Operator, csrf.Token(c))
	v.SignOut = "/logout"
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, status, m.pages["page.html"], v)
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

func (m *Module) home(c *fiber.Ctx) error {
	o, err := m.signedIn(c)
	if err != nil {
		return err
	}
	if o == nil {
		return m.render(c, fiber.StatusOK, view{Title: "auth.sign_in"})
	}
	ts, err := m.Registry.List(c.UserContext())
	if err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, view{Title: "console.tenants", Operator: o.Email, Tenants: ts})
}

func (m *Module) login(c *fiber.Ctx) error {
	ctx := c.UserContext()
	email := c.FormValue("email")
	keys := auth.Keys(email, c.IP())
	if err := m.Throttle.Check(ctx, m.DB, keys); err != nil {
		return m.render(c, fiber.StatusTooManyRequests, view{Title: "auth.sign_in", Error: m.Shell.I18n.FromContext(ctx).T(platform.MessageKey(err)), Email: email})
	}
	o, err := operator.Authenticate(ctx, m.DB, email, c.FormValue("password"))
	if errors.Is(err, operator.ErrBadCredentials) {
		if err := m.Throttle.Fail(ctx, m.DB, keys); err != nil {
			return err
		}
		return m.render(c, fiber.StatusUnauthorized, view{Title: "auth.sign_in", Error: m.Shell.I18n.FromContext(ctx).T(platform.MessageKey(err)), Email: email})
	}
	if err != nil {
		return err
	}
	sess := &session.Session{UserID: o.ID, ClientAddr: c.IP()}
	token, err := m.Sessions.Create(ctx, m.DB, sess)
	if err != nil {
		return err
	}
	session.SetCookie(c, token, sess.ExpiresAt, m.Secure)
	m.CSRF.Rotate(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (m *Module) logout(c *fiber.Ctx) error {
	if token := c.Cookies(session.CookieName); token != "" {
		if err := m.Sessions.Delete(context.WithoutCancel(c.UserContext()), m.DB, token); err != nil {
			return err
		}
	}
	session.ClearCookie(c, m.Secure)
	m.CSRF.Rotate(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}
