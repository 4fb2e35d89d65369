// Package search is the search page: one query over every module that can
// be searched (news, people, organisations, communities …), each searching
// its own tables with its visibility rules inside its query, the hits merged
// by rank with the matched words highlighted.
package search

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	platformsearch "github.com/piazza-pa/piazza/platform/search"
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

// Source is a module that can be searched: it returns the hits of q that
// the member uid (0 for a guest) may see.
type Source interface {
	Search(ctx context.Context, tx bun.IDB, q string, uid int64, limit int) ([]platformsearch.Hit, error)
}

// Deps are what the page needs.
type Deps struct {
	DB      *bun.DB
	Shell   *web.Shell
	PageFor func(c *fiber.Ctx, site string) web.Page
	Sources []Source
}

// Module is the search page.
type Module struct {
	Deps
	page *template.Template
}

// New parses the page.
func New(d Deps) (*Module, error) {
	pages, err := d.Shell.Pages(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &Module{Deps: d, page: pages["search.html"]}, nil
}

// Section is the page's place in the navigation.
func (m *Module) Section() web.Section {
	return web.Section{Key: "search", Label: "search.nav", Path: "/search"}
}

// Routes registers GET /search, open to guests (who find public items).
func (m *Module) Routes(r fiber.Router) { r.Get("/search", m.search) }

// perSource and shown bound the work and the page.
const (
	perSource = 30
	shown     = 50
	maxQuery  = 200
)

type view struct {
	web.Page
	Query    string
	Hits     []platformsearch.Hit
	Searched bool
}

func (m *Module) search(c *fiber.Ctx) error {
	q := platformsearch.Clean(strings.TrimSpace(c.Query("q")))
	if len([]rune(q)) > maxQuery {
		q = string([]rune(q)[:maxQuery])
	}
	v := view{Page: m.PageFor(c, tenant.FromContext(c.UserContext()).Name), Query: q, Searched: q != ""}
	if q != "" {
		var uid int64
		if u := auth.UserFromContext(c.UserContext()); u != nil {
			uid = u.ID
		}
		var lists [][]platformsearch.Hit
		err := tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
			for _, s := range m.Sources {
				hits, err := s.Search(ctx, tx, q, uid, perSource)
				if err != nil {
					return err
				}
				lists = append(lists, hits)
			}
			return nil
		})
		if err != nil {
			return err
		}
		v.Hits = platformsearch.Merge(shown, lists...)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, m.page, v)
}
