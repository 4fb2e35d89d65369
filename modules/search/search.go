// Package search is the search page: one query over every module that can
// be searched (news, people, organisations, communities …), each searching
// its own tables with its visibility rules inside its query, the hits merged
// by rank with the matched words highlighted.
package search

import (
	"context"
	"embed"
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
}

func (m *Module) search(c *fiber.Ctx) error {
	q := platformsearch.Clean(strings.TrimSpace(c.Query("q")))
	if len([]rune(q)) > maxQuery {
		q = string([]rune(q)[:maxQuery])
	}
	v := view{Page: m.Page(c), Query: q, Searched: q != ""}
	if q != "" {
		var err error
		if v.Hits, err = m.Find(c.UserContext(), q); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, fiber.StatusOK, "search.html", v)
}
