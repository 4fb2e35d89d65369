// Package dashboard is a signed-in member's two pages of "what is new and
// what waits for me": the feed of new items from their communities and
// themes, in evidence first and paged by key (never by offset), and the
// "my activities" inbox of everything waiting for their decision (items to
// validate, join requests, invitations …), each answered in place with
// htmx. Modules feed both through the interfaces below, found on the
// module list.
package dashboard

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Messages are the module's message files, for the site's bundle.
func (m *Module) Messages() fs.FS { return Messages }

// FeedSource is a content module's part of the feed: the published items
// the member uid may see that come after cur, at most limit, in feed order.
type FeedSource interface {
	Feed(ctx context.Context, tx bun.IDB, uid int64, cur feed.Cursor, limit int) ([]feed.Entry, error)
}

// InboxSource is a module's part of the inbox.
type InboxSource interface {
	Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error)
}

// InboxProbe is an inbox source that can say cheaply whether anything may
// wait for uid, so that the inbox (and the count every page shows) reads
// only the sources where something may: Waits returns maybe false when
// nothing can wait (known from the member's roles and memberships,
// without a query), else an SQL condition, with its arguments, that holds
// whenever the source's Inbox would list something (it may hold when the
// list is empty, never the reverse). The probes of all sources are asked
// in one statement.
type InboxProbe interface {
	Waits(ctx context.Context, uid int64) (cond string, args []any, maybe bool)
}

// Deps are what the module needs.
type Deps struct {
	DB      *bun.DB
	Shell   *web.Shell
	PageFor func(c *fiber.Ctx, site string) web.Page
	Feed    []FeedSource
	Inbox   []InboxSource
	// Cache, when set, keeps each member's first page of the feed until the
	// tenant's data changes or an item's publication window opens or closes.
	Cache *tenant.Cache
}

// Module is the dashboard and the inbox.
type Module struct {
	Deps
	pages map[string]*template.Template
}

// readEverySource makes the inbox skip the probes (tests compare both).
var readEverySource atomic.Bool

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	pages, err := d.Shell.Pages(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &Module{Deps: d, pages: pages}, nil
}

// Section is the module's place in the navigation.
func (m *Module) Section() web.Section {
	return web.Section{Key: "dashboard", Label: "dashboard.nav", Path: "/dashboard"}
}

// Routes registers /dashboard and /dashboard/inbox, for members.
func (m *Module) Routes(r fiber.Router) {
	g := r.Group("/dashboard", auth.RequireMember)
	g.Get("/", m.showFeed)
	g.Get("/inbox", m.inbox)
}
