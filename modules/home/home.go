// Package home is a tenant's home page: for a guest, the site's
// introduction (written by the tenant admin), its latest public news, open
// communities and themes, with the way in (sign in, register); for a
// member, what is new for them and what waits for their answer. What it
// shows it asks of the modules that own the data, through the interfaces
// below, gathered from the module list (Collect).
package home

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/brand"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/showcase"
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

// News is a module that shows guests its latest news: at most limit of
// those a guest may read, newest first (the news module).
type News interface {
	PublicNews(ctx context.Context, limit int) ([]showcase.Card, error)
}

// Communities is a module that shows guests a few open communities, with
// their number of members (the communities module).
type Communities interface {
	OpenCommunities(ctx context.Context, limit int) ([]showcase.Card, error)
}

// Registration says whether people may register on the site of ctx (the
// sign-in module).
type Registration interface {
	RegistrationOpen(ctx context.Context) (bool, error)
}

// Digest is a member's dashboard in brief (the dashboard module): the
// first n entries of member uid's feed, and the first n things waiting for
// their answer with how many wait in all, as pages show it ("3", "99+").
type Digest interface {
	Latest(ctx context.Context, uid int64, n int) ([]feed.Entry, error)
	Waiting(ctx context.Context, uid int64, n int) ([]feed.Task, string, error)
}

// Module is the home page module.
type Module struct {
	shell *web.Shell
	pages map[string]*template.Template
	// What the other modules offer (see Collect); nil when none does.
	news         News
	communities  Communities
	registration Registration
	digest       Digest
}

// New parses the module's pages into the shell (failing fast).
func New(shell *web.Shell) (*Module, error) {
	pages, err := shell.Pages(templates, "templates/*.html", template.FuncMap{"excerpt": excerpt})
	if err != nil {
		return nil, err
	}
	return &Module{shell: shell, pages: pages}, nil
}

// Collect takes what the modules of the list offer the home page.
func (m *Module) Collect(mods []web.Module) {
	m.news = first(web.Offered[News](mods))
	m.communities = first(web.Offered[Communities](mods))
	m.registration = first(web.Offered[Registration](mods))
	m.digest = first(web.Offered[Digest](mods))
}

func first[T any](l []T) T {
	var zero T
	if len(l) == 0 {
		return zero
	}
	return l[0]
}

// Routes registers GET /.
func (m *Module) Routes(r fiber.Router) {
	r.Get("/", m.show)
}

func (m *Module) show(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	if t == nil {
		return fiber.ErrNotFound
	}
	p := auth.PageFor(c, m.shell, t.Name, csrf.Token(c))
	// An admin previewing the site's look sees the guest home, as visitors will.
	if u := auth.UserFromContext(c.UserContext()); u != nil && !brand.Previewing(c) {
		return m.showMember(c, p, u.ID)
	}
	return m.showGuest(c, p)
}

// on says whether the module offering v is on for the request's tenant: a
// module the tenant switched off shows nothing on the home page either.
func on(c *fiber.Ctx, v any) bool {
	if v == nil {
		return false
	}
	s, ok := v.(web.Sectioned)
	if !ok {
		return true
	}
	return !slices.Contains(brand.Off(c), s.Section().Key)
}

// excerpt is the start of s, about max characters, cut between words.
func excerpt(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := string(r[:max])
	if i := strings.LastIndexByte(cut, ' '); i > max/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
