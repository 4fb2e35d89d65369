// Package screen is what a module drawing a tenant's pages is built on: its
// dependencies (the database, the shell, the page data), its templates
// parsed at start-up, and the steps its handlers share (the tenant's
// transaction, the page of the request, a message in the request's
// language, an id from the path).
package screen

import (
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/site"
	"github.com/piazza-pa/piazza/platform/web"
)

// Deps are what a module that draws pages needs.
type Deps struct {
	DB      *bun.DB
	Shell   *web.Shell
	PageFor func(c *fiber.Ctx, site string) web.Page
}

// Kit is a module's dependencies with its parsed pages and its messages.
type Kit struct {
	Deps
	pages    map[string]*template.Template
	messages fs.FS
}

// Partial is a set of templates the module's pages call that are not the
// site's (a kit's form fields): the files of FS matching Pattern.
type Partial struct {
	FS      fs.FS
	Pattern string
}

// New parses the module's pages (templates/*.html of pages) with funcs, and
// partials into each of them; messages are its message files.
func New(d Deps, pages, messages fs.FS, funcs template.FuncMap, partials ...Partial) (Kit, error) {
	ps, err := d.Shell.Pages(pages, "templates/*.html", funcs)
	if err != nil {
		return Kit{}, err
	}
	for name, page := range ps {
		for _, p := range partials {
			if _, err := page.ParseFS(p.FS, p.Pattern); err != nil {
				return Kit{}, fmt.Errorf("%s: partials %s: %w", name, p.Pattern, err)
			}
		}
	}
	return Kit{Deps: d, pages: ps, messages: messages}, nil
}

// Messages are the module's message files, for the site's bundle.
func (k *Kit) Messages() fs.FS { return k.messages }

// Tx runs fn in a transaction of the site of ctx.
func (k *Kit) Tx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return site.Tx(ctx, k.DB, fn)
}

// As runs fn in a transaction of the site of ctx with the viewer who
// reads there (a module's rules of who sees what).
func As[V any](ctx context.Context, k *Kit, who func(context.Context, bun.IDB) (V, error), fn func(context.Context, bun.Tx, V) error) error {
	return k.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		v, err := who(ctx, tx)
		if err != nil {
			return err
		}
		return fn(ctx, tx, v)
	})
}

// Page is the shell's data of the request's page.
func (k *Kit) Page(c *fiber.Ctx) web.Page {
	return k.PageFor(c, site.FromContext(c.UserContext()).Name)
}

// Render answers with page name drawn with v.
func (k *Kit) Render(c *fiber.Ctx, status int, name string, v any) error {
	return web.Render(c, status, k.pages[name], v)
}

// T is the message key in the request's language.
func (k *Kit) T(c *fiber.Ctx, key string, args ...any) string {
	return k.Shell.I18n.FromContext(c.UserContext()).T(key, args...)
}

// ErrText is err's sentence in the request's language.
func (k *Kit) ErrText(c *fiber.Ctx, err error) string {
	return platform.Localize(err, k.Shell.I18n.FromContext(c.UserContext()).T)
}

// ParamID is the path parameter name as an id (0 when it is not one).
func ParamID(c *fiber.Ctx, name string) int64 {
	id, _ := strconv.ParseInt(c.Params(name), 10, 64)
	return id
}

// Dict makes a map of name/value pairs, for a page calling a partial with
// several values: {{template "field" (dict "Name" "title" "Value" .Title)}}.
// A name that is not a string, and a last name without a value, are left out.
func Dict(kv ...any) map[string]any {
	out := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			out[k] = kv[i+1]
		}
	}
	return out
}
