// Package dashboard is a signed-in member's two pages of "what is new and
// what waits for me": the feed of new items from their communities and
// themes, in evidence first and paged by key (never by offset), and the
// "my activities" inbox of everything waiting for their decision (items to
// validate, join requests, invitations …), each answered in place with
// htmx. Modules feed both through the interfaces below, found on the
// module list.
package dashboard

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"io/fs"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/scope"
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

// PageSize is how many entries a page of the feed shows.
const PageSize = 20

type feedView struct {
	web.Page
	// List is the page's entries and the link to the next page, rendered
	// by the "entries" template of feed.html.
	List template.HTML
}

// entriesView is what the "entries" template shows.
type entriesView struct {
	L       *i18n.Localizer
	Entries []feed.Entry
	Next    string
}

func (m *Module) showFeed(c *fiber.Ctx) error {
	uid := auth.UserFromContext(c.UserContext()).ID
	cur, err := feed.DecodeCursor(c.Query("after"))
	if err != nil {
		return web.ErrBadValue
	}
	v := feedView{Page: m.PageFor(c, tenant.FromContext(c.UserContext()).Name)}
	// The first page is what members open again and again: it is kept
	// rendered, per member and language.
	key := "dashboard:" + strconv.FormatInt(uid, 10) + ":" + v.L.Lang
	fill := func() (template.HTML, time.Time, error) {
		p, until, err := m.feedPage(c.UserContext(), uid, cur)
		if err != nil {
			return "", until, err
		}
		var buf bytes.Buffer
		err = m.pages["feed.html"].ExecuteTemplate(&buf, "entries", entriesView{L: v.L, Entries: p.Entries, Next: p.Next})
		return template.HTML(buf.String()), until, err // escaped by html/template
	}
	if cur.Set {
		v.List, _, err = fill()
	} else {
		v.List, err = tenant.Cached(c.UserContext(), m.Cache, key, fill)
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, m.pages["feed.html"], v)
}

// feedPage is a page of the feed and the cursor of the next one ("" for none).
type feedPage struct {
	Entries []feed.Entry
	Next    string
}

// feedPage reads the page of the feed after cur, and until when it stays
// true (if nothing is written meanwhile).
func (m *Module) feedPage(ctx context.Context, uid int64, cur feed.Cursor) (feedPage, time.Time, error) {
	var p feedPage
	until := time.Now().Add(time.Hour)
	err := tenant.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		ctx, err := scope.Preload(ctx, tx, uid) // one lookup of memberships for every source
		if err != nil {
			return err
		}
		var all []feed.Entry
		for _, s := range m.Feed {
			es, err := s.Feed(ctx, tx, uid, cur, PageSize+1)
			if err != nil {
				return err
			}
			all = append(all, es...)
		}
		if until, err = feed.Until(ctx, tx, until, m.Feed); err != nil {
			return err
		}
		sortFeed(all)
		if len(all) > PageSize {
			all = all[:PageSize]
			last := all[PageSize-1]
			p.Next = feed.Cursor{Set: true, InEvidence: last.InEvidence, At: last.At, Kind: last.Kind, ID: last.ID}.Encode()
		}
		p.Entries = all
		return nil
	})
	return p, until, err
}

// sortFeed puts entries in feed order.
func sortFeed(es []feed.Entry) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		return feed.Cursor{Set: true, InEvidence: a.InEvidence, At: a.At, Kind: a.Kind, ID: a.ID}.After(b.InEvidence, b.At, b.Kind, b.ID)
	})
}

type inboxView struct {
	web.Page
	Tasks []feed.Task
}

func (m *Module) inbox(c *fiber.Ctx) error {
	uid := auth.UserFromContext(c.UserContext()).ID
	v := inboxView{Page: m.PageFor(c, tenant.FromContext(c.UserContext()).Name)}
	err := tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v.Tasks, err = m.tasks(ctx, tx, uid, 200)
		return err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, m.pages["inbox.html"], v)
}

// tasks gathers the inbox, oldest waiting first.
func (m *Module) tasks(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	var all []feed.Task
	for _, s := range m.Inbox {
		ts, err := s.Inbox(ctx, tx, uid, limit)
		if err != nil {
			return nil, err
		}
		all = append(all, ts...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].At.Before(all[j].At) })
	if len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}
