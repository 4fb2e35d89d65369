// Package search is the search page: one query over every module that can
// be searched (news, people, organisations, communities …), each searching
// its own tables with its visibility rules inside its query, the hits merged
// by rank and paged by a cursor, with the matched words highlighted.
package search

import (
	"context"
	"embed"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/screen"
	platformsearch "github.com/piazza-pa/piazza/platform/search"
	"github.com/piazza-pa/piazza/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Source is a module that can be searched. Search is the query of its
// best hits of q.Words after q.After that the member uid (0 for a guest)
// may see, at most q.Limit (nil: none); the page runs every source's in
// one statement, and cuts the snippets of the hits it shows in another.
type Source interface {
	Search(ctx context.Context, tx bun.IDB, q platformsearch.Query, uid int64) (*platformsearch.Part, error)
}

// Deps are what the page needs.
type Deps struct {
	DB      *bun.DB
	Shell   *web.Shell
	PageFor func(c *fiber.Ctx, site string) web.Page
	Sources []Source
}

// Module is the search page, on the page skeleton (platform/screen).
type Module struct {
	screen.Kit
	// Sources are the modules searched, in the order of the module list.
	Sources []Source
}

// New parses the page.
func New(d Deps) (*Module, error) {
	k, err := screen.New(screen.Deps{DB: d.DB, Shell: d.Shell, PageFor: d.PageFor}, templates, Messages, nil)
	if err != nil {
		return nil, err
	}
	return &Module{Kit: k, Sources: d.Sources}, nil
}

// Section is the page's place in the navigation.
func (m *Module) Section() web.Section {
	return web.Section{Key: "search", Label: "search.nav", Path: "/search"}
}

// Routes registers GET /search, open to guests (who find public items).
func (m *Module) Routes(r fiber.Router) { r.Get("/search", m.search) }

// maxQuery bounds the query's length, in characters.
const maxQuery = 200

type view struct {
	web.Page
	Query    string
	Hits     []platformsearch.Hit
	Searched bool
	// First: the first page; Next and Start are the addresses of the next
	// page and of the first ("" for none).
	First       bool
	Next, Start string
}

// search shows a page of results: the first, or the one after the cursor
// "after" (bound to the words; any other is a 404).
func (m *Module) search(c *fiber.Ctx) error {
	q := platformsearch.Clean(strings.TrimSpace(c.Query("q")))
	if len([]rune(q)) > maxQuery {
		q = string([]rune(q)[:maxQuery])
	}
	cur, err := platformsearch.DecodeCursor(q, c.Query("after"))
	if err != nil {
		return err
	}
	v := view{Page: m.Page(c), Query: q, Searched: q != "", First: !cur.Set}
	if q != "" {
		res, err := m.Find(c.UserContext(), q, cur)
		if err != nil {
			return err
		}
		v.Hits = res.Hits
		if res.Next != "" {
			v.Next = "/search?" + url.Values{"q": {q}, "after": {res.Next}}.Encode()
		}
		if cur.Set {
			v.Start = "/search?" + url.Values{"q": {q}}.Encode()
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, fiber.StatusOK, "search.html", v)
}
