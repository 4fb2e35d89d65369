// Package community is the communities module: open, reserved and closed
// communities with sub-communities, their members' roles and states
// (request, invitation, approval), the community page with its content and
// its managers' tools, and creation by members with the tenant's
// validation when it wants it. Communities are the unit of publication
// scope: content modules list a community's items through ContentSource and
// ask about a member's community role through WithRoles.
package community

import (
	"context"
	"embed"
	"html/template"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/membership"
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

// Item is a content item shown on a community's page.
type Item struct {
	Type, Title, URL, Summary, State string
	At                               time.Time
}

// ContentSource is a content module listing a community's items as the
// viewer (uid, 0 for none) may see them; the scope rules run in its query.
type ContentSource interface {
	CommunityItems(ctx context.Context, tx bun.IDB, communityID, uid int64, limit int) ([]Item, error)
}

// Deps are what the module needs.
type Deps struct {
	DB      *bun.DB
	Shell   *web.Shell
	PageFor func(c *fiber.Ctx, site string) web.Page
	// Mail tells existing members of their invitations; Local invites
	// people who have no account yet.
	Mail    mail.Sender
	Local   *auth.Local
	Scheme  string
	Content []ContentSource
	// Origins say what a community was born from (a proposal's work group).
	Origins []Origin
	// Tabs link a community's page to its modules' own pages (its library).
	Tabs []Tab
	// Cache, when set, keeps each member's view of a community's page
	// until the tenant's data changes or an item's window opens or closes.
	Cache *tenant.Cache
}

// Module is the communities module.
type Module struct {
	Deps
	screen.Kit
}

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	k, err := screen.New(screen.Deps{DB: d.DB, Shell: d.Shell, PageFor: d.PageFor}, templates, Messages, template.FuncMap{"contains": slices.Contains[[]string]},
		screen.Partial{FS: keyset.Partials, Pattern: keyset.Pattern})
	if err != nil {
		return nil, err
	}
	return &Module{Deps: d, Kit: k}, nil
}

// Section is the module's place in the navigation.
func (m *Module) Section() web.Section {
	return web.Section{Key: "community", Label: "community.nav", Path: "/communities"}
}

// Routes registers the module's pages and actions, for signed-in members.
func (m *Module) Routes(r fiber.Router) {
	g := r.Group("/communities", auth.RequireMember)
	g.Get("/", m.list)
	g.Get("/new", m.newForm)
	g.Post("/", m.create)
	g.Get("/:id<int>", m.show)
	g.Post("/:id<int>/join", m.join)
	g.Post("/:id<int>/leave", m.leave)
	g.Post("/:id<int>/frequency", m.frequency)
	g.Post("/:id<int>/accept", m.answer(true))
	g.Post("/:id<int>/decline", m.answer(false))
	g.Post("/:id<int>/invite", m.invite)
	g.Get("/:id<int>/candidates", m.candidates)
	g.Post("/:id<int>/members/:uid<int>/:action", m.decide)
	g.Post("/:id<int>/approve", m.validate(true))
	g.Post("/:id<int>/reject", m.validate(false))
}

// back answers an action by going back to the community's page (or the
// list), where the outcome shows.
func (m *Module) back(c *fiber.Ctx, id int64, flash string) error {
	u := "/communities"
	if id != 0 {
		u += "/" + strconv.FormatInt(id, 10)
	}
	return web.Done(c, membership.Back(u, flash), m.T(c, "community.done."+safeKey(flash)))
}

// themesOf keeps the known themes of the form's "themes" values.
func themesOf(c *fiber.Ctx) []string {
	if t := taxonomy.KnownThemes(form.Values(c, "themes")); t != nil {
		return t
	}
	return []string{}
}

// errNotFound hides what the viewer may not see.
var errNotFound = platform.NewError(platform.ErrNotFound, "not found")

// formInt is a form field's integer (0 when absent or wrong).
func formInt(c *fiber.Ctx, name string) int {
	n, _ := strconv.Atoi(c.FormValue(name))
	return n
}
