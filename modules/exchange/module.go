// Package exchange is the exchange between administrations: an
// installation-wide marketplace of opportunities. A tenant's admin opts the
// tenant in (or out, at any time); authors share their published proposals
// (and whatever else offers itself as a share.Source) to it; members of
// every tenant that takes part find them under "Opportunities from other
// administrations", each naming its tenant of origin, and express their
// interest, which arrives in the origin tenant as a local expression.
//
// Nothing reads another tenant's schema: a durable job copies the public
// fields of shared items from the origin tenant's outbox (read inside that
// tenant's transaction) to control-plane snapshots (written in a
// transaction of their own); an expression of interest waits in a
// control-plane mailbox until a job delivers it inside the origin tenant's
// transaction. Opting out, suspending or deleting a tenant removes its
// snapshots at once.
package exchange

import (
	"context"
	"embed"
	"html/template"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/exchange/share"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/jobs"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Deps are what the exchange needs: the pages' (screen.Deps), the
// registry (the jobs name tenants), the queue of jobs, the dispatcher of
// notifications (a delivered interest tells the proposer at once), the
// cache (the menu entry) and the audit trail of admins' actions.
type Deps struct {
	screen.Deps
	Registry *tenant.Registry
	Jobs     *jobs.Queue
	Dispatch notify.Dispatcher
	Cache    *tenant.Cache
	Record   func(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error
	// Every is how often the sweep catches up with outboxes and mailboxes
	// (zero: five seconds).
	Every time.Duration
}

// Module is the exchange.
type Module struct {
	screen.Kit
	registry *tenant.Registry
	queue    *jobs.Queue
	dispatch notify.Dispatcher
	cache    *tenant.Cache
	record   func(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error
	every    time.Duration
	// sources are the modules whose items can be shared, by type, found
	// on the module list (Collect).
	sources map[string]share.Source
}

// New parses the exchange's pages.
func New(d Deps) (*Module, error) {
	if d.Every == 0 {
		d.Every = 5 * time.Second
	}
	funcs := template.FuncMap{"themes": func() []string { return taxonomy.Themes }, "kinds": func() []Kind { return kinds },
		"countries": func() []string { return countries }, "hasString": func(l []string, s string) bool { return slices.Contains(l, s) }}
	k, err := screen.New(d.Deps, templates, Messages, funcs, screen.Partial{FS: keyset.Partials, Pattern: keyset.Pattern})
	if err != nil {
		return nil, err
	}
	return &Module{Kit: k, registry: d.Registry, queue: d.Jobs, dispatch: d.Dispatch, cache: d.Cache, record: d.Record,
		every: d.Every, sources: map[string]share.Source{}}, nil
}

// Collect finds the modules whose items can be shared.
func (m *Module) Collect(mods []web.Module) {
	for _, s := range web.Offered[share.Source](mods) {
		m.sources[s.ExchangeType()] = s
	}
}

// Routes registers the members' pages, the share action and the admin's
// page. Every page but the admin's answers 404 while the tenant does not
// take part.
func (m *Module) Routes(r fiber.Router) {
	g := r.Group("/exchange", auth.RequireMember, m.requireMember)
	g.Get("/", m.listPage)
	g.Get("/:id<int>", m.showPage)
	g.Post("/:id<int>/interest", m.interestPost)
	g.Post("/share/:type/:id<int>", m.sharePost)
	a := r.Group("/admin/exchange", authz.Require("admin/area", "manage"))
	a.Get("/", m.adminPage)
	a.Post("/", m.adminPost)
}

// MenuEntries offers the exchange to members of a tenant that takes part,
// and its settings to the tenant's admins.
func (m *Module) MenuEntries(c *fiber.Ctx) []web.MenuLink {
	ctx := c.UserContext()
	if auth.UserFromContext(ctx) == nil {
		return nil
	}
	var out []web.MenuLink
	if m.optedIn(ctx) {
		out = append(out, web.MenuLink{Label: "exchange.nav", URL: "/exchange", Rank: 25})
	}
	if authz.Can(ctx, "admin/area", "manage") {
		out = append(out, web.MenuLink{Label: "exchange.admin.nav", URL: "/admin/exchange", Rank: 31})
	}
	return out
}

// optedIn says whether the tenant of ctx takes part (as this replica
// read it a few seconds ago at most: the menu asks on every page).
func (m *Module) optedIn(ctx context.Context) bool {
	in, err := share.TakesPart(ctx, m.DB)
	return err == nil && in
}

// requireMember answers 404 on the exchange's pages while the tenant does
// not take part (read from the control plane, not the cache).
func (m *Module) requireMember(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t := tenant.FromContext(ctx)
	if t == nil {
		return fiber.ErrNotFound
	}
	in, err := share.OptedIn(ctx, m.DB, t.ID)
	if err != nil {
		return err
	}
	if !in {
		return ErrNotFound
	}
	return c.Next()
}

// inTenant runs fn in a transaction of the active tenant t.
func (m *Module) inTenant(ctx context.Context, t *tenant.Tenant, fn func(ctx context.Context, tx bun.Tx) error) error {
	return db.InTenant(tenant.NewContext(ctx, t), m.DB, t.Scope(), fn)
}
