// Package admin is a tenant's administration area: members (search, invite,
// suspend, roles), local accounts on or off, host names, identity providers
// (enable, disable, check) and the audit log. Every action needs the admin
// role in the tenant and is written to the audit trail.
package admin

import (
	"context"
	"embed"
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Deps are what the area needs.
type Deps struct {
	DB       *bun.DB
	Registry *tenant.Registry
	IdPs     *idp.Store
	// Check fetches an IdP's discovery (idp.Flow.Check).
	Check func(ctx context.Context, issuer string) (string, error)
	// Federation reads and changes a tenant's OpenID Federation settings
	// (nil: neither shown nor changed).
	Federation *Federation
	Local      *auth.Local
	Shell      *web.Shell
	Scheme     string
	// PageFor fills the shell's data for a tenant page.
	PageFor func(c *fiber.Ctx, site string) web.Page
	// Record writes an admin action to the audit trail.
	Record func(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error
}

// Module is the administration area.
type Module struct {
	Deps
	screen.Kit
}

// New parses the area's pages.
func New(d Deps) (*Module, error) {
	k, err := screen.New(screen.Deps{DB: d.DB, Shell: d.Shell, PageFor: d.PageFor}, templates, Messages, template.FuncMap{"join": strings.Join})
	if err != nil {
		return nil, err
	}
	return &Module{Deps: d, Kit: k}, nil
}

// Routes registers the area, every route behind the admin permission.
func (m *Module) Routes(r fiber.Router) {
	g := r.Group("/admin", authz.Require("admin/area", "manage"))
	g.Get("/", m.overview)
	g.Get("/audit", m.auditLog)
	g.Post("/members/invite", m.invite)
	g.Post("/members/:id/:action", m.member)
	g.Post("/local-accounts", m.localAccounts)
	g.Post("/hosts", m.addHost)
	g.Post("/hosts/remove", m.removeHost)
	g.Get("/idps/new", m.newIdP)
	g.Post("/idps", m.saveIdP)
	g.Get("/idps/:key", m.editIdP)
	g.Post("/idps/:key/edit", m.saveIdP)
	g.Post("/idps/:key/:action", m.idpAction)
	g.Get("/federation", m.federationPage)
	g.Post("/federation", m.saveFederation)
	g.Post("/federation/trust-marks", m.addTrustMark)
	g.Post("/federation/trust-marks/remove", m.removeTrustMark)
	g.Get("/collaboration", m.collaboration)
	g.Post("/collaboration/validation", m.setValidation)
	g.Post("/collaboration/tags", m.addTag)
	g.Post("/collaboration/blacklist", m.setBlacklist)
	g.Post("/collaboration/tags/:id<int>/remove", m.removeTag)
}

// roles are the roles an admin can give, "member" meaning none stored.
var roles = []string{"member", "admin", "validator", "facilitator", "een_advisor"}

type member struct {
	auth.User
	Role string
}

type overview struct {
	web.Page
	Error, Message, Query string
	// Errors are the problems of the forms' fields, by field name.
	Errors map[string]string
	// Self is the signed-in admin, whose own row offers no controls.
	Self  int64
	Roles []string
	// NearQuota warns of the plan's quotas used at 80% or more.
	NearQuota []string
	*state
}

func (m *Module) overview(c *fiber.Ctx) error { return m.render(c, fiber.StatusOK, "", "") }

// render shows the overview with a message or an error.
func (m *Module) render(c *fiber.Ctx, status int, msg, errText string) error {
	return m.renderFields(c, status, msg, errText, nil)
}

// renderFields shows the overview with the problems of the fields of its
// forms (errs, by field name).
func (m *Module) renderFields(c *fiber.Ctx, status int, msg, errText string, errs map[string]string) error {
	ctx := c.UserContext()
	v := overview{Page: m.PageFor(c, tenant.FromContext(ctx).Name), Message: msg, Error: errText, Errors: errs,
		Query: strings.TrimSpace(c.Query("q")), Roles: roles}
	if u := auth.UserFromContext(ctx); u != nil {
		v.Self = u.ID
	}
	var err error
	if v.state, err = m.overviewState(ctx, v.Query); err != nil {
		return err
	}
	if v.NearQuota, err = m.nearQuota(c); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, status, "admin.html", v)
}

func userID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// nearQuota are the warnings, in the request's language, of the plan's
// quotas the tenant uses at 80% or more.
func (m *Module) nearQuota(c *fiber.Ctx) ([]string, error) {
	t := tenant.FromContext(c.UserContext())
	if t.Plan == nil {
		return nil, nil
	}
	u, err := m.Registry.Usage(c.UserContext(), t)
	if err != nil {
		return nil, err
	}
	l := m.Shell.I18n.FromContext(c.UserContext())
	var out []string
	for _, what := range u.Near() {
		out = append(out, l.T("admin.quota_near."+what, "Plan", t.Plan.Name))
	}
	return out, nil
}
