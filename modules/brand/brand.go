// Package brand is a tenant's look: the tenant admin's branding page (primary
// colour checked for contrast, logo), preview and publication, and the
// per-tenant stylesheet and images every page links.
package brand

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/theme"
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

// Deps are what the module needs.
type Deps struct {
	Registry *tenant.Registry
	Shell    *web.Shell
	// PageFor fills the shell's data for a tenant page (auth.PageFor).
	PageFor func(c *fiber.Ctx, site string) web.Page
	// Record writes an admin action to the audit trail.
	Record func(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error
	// Sections are the modules a tenant can switch off.
	Sections []web.Section
}

// Module is the branding module.
type Module struct {
	Deps
	pages map[string]*template.Template
	tmpl  *theme.Template
	mu    sync.Mutex
	css   map[string]string // rendered stylesheets by colour
}

// New extracts the recolouring template from the vendored Bootstrap Italia
// stylesheet and parses the pages.
func New(d Deps) (*Module, error) {
	css, err := d.Shell.Assets.Read("vendor/bootstrap-italia/css/bootstrap-italia.min.css")
	if err != nil {
		return nil, err
	}
	tmpl, err := theme.Extract(string(css))
	if err != nil {
		return nil, err
	}
	pages, err := d.Shell.Pages(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &Module{Deps: d, pages: pages, tmpl: tmpl, css: map[string]string{}}, nil
}

// Routes registers the stylesheet, the images and the admin page.
func (m *Module) Routes(r fiber.Router) {
	r.Get("/theme.css", m.stylesheet)
	r.Get("/brand/:sha", m.image)
	admin := authz.Require("admin/branding", "update")
	r.Get("/admin/branding", admin, m.form)
	r.Post("/admin/branding", admin, m.save)
	r.Post("/admin/branding/publish", admin, m.publish)
}

// Decorate links the tenant's look into a page: the published one, or the
// draft when an admin asks for a preview (?preview=1).
func (m *Module) Decorate(c *fiber.Ctx, p *web.Page) {
	t := tenant.FromContext(c.UserContext())
	if t == nil {
		return
	}
	look := Shown(c)
	if look.Name != "" && c.Query("preview") == "1" {
		p.Site = look.Name
	}
	if look.Primary != "" {
		p.Theme = "/theme.css?c=" + strings.TrimPrefix(look.Primary, "#")
	}
	if look.Logo != "" {
		p.Logo = "/brand/" + look.Logo
	}
	if look.Favicon != "" {
		p.Favicon = "/brand/" + look.Favicon
	}
	if len(look.Languages) > 0 {
		p.Languages = look.Languages
	}
	for _, l := range look.HeaderLinks {
		p.HeaderLinks = append(p.HeaderLinks, web.Link{Label: l.Label, URL: l.URL})
	}
	for _, l := range look.FooterLinks {
		p.FooterLinks = append(p.FooterLinks, web.Link{Label: l.Label, URL: l.URL})
	}
	for _, s := range m.Sections {
		if !slices.Contains(look.Off, s.Key) && t.Plan.AllowsModule(s.Key) {
			p.Nav = append(p.Nav, web.Link{Label: p.L.T(s.Label), URL: s.Path})
		}
	}
}

// Shown is the look the request shows: the published one, or the draft
// when an admin asks for a preview (?preview=1).
func Shown(c *fiber.Ctx) tenant.Look {
	t := tenant.FromContext(c.UserContext())
	if t == nil {
		return tenant.Look{}
	}
	if t.Brand.Draft != nil && Previewing(c) {
		return *t.Brand.Draft
	}
	return t.Brand.Published
}

// Previewing says whether the request is an admin's preview of the site's
// look (?preview=1): pages show it as visitors will see it.
func Previewing(c *fiber.Ctx) bool {
	return c.Query("preview") == "1" && authz.Can(c.UserContext(), "admin/branding", "update")
}

// Off says which modules the request's tenant has switched off (published
// look), for web.SectionGuard.
func Off(c *fiber.Ctx) []string {
	if t := tenant.FromContext(c.UserContext()); t != nil {
		return t.Brand.Published.Off
	}
	return nil
}

// OffAmong is Off, for web.SectionGuard, with the sections of sections
// that the tenant's plan leaves out.
func OffAmong(sections []web.Section) func(c *fiber.Ctx) []string {
	return func(c *fiber.Ctx) []string {
		t := tenant.FromContext(c.UserContext())
		if t == nil {
			return nil
		}
		off := t.Brand.Published.Off
		for _, s := range sections {
			if !t.Plan.AllowsModule(s.Key) {
				off = append(slices.Clip(off), s.Key)
			}
		}
		return off
	}
}

// Languages says, for the language middleware, which languages the
// request's site offers, its default, and the signed-in user's preference.
func Languages(c *fiber.Ctx) (enabled []string, def, user string) {
	enabled, def = i18n.Supported, i18n.Default
	if t := tenant.FromContext(c.UserContext()); t != nil {
		if l := t.Brand.Published; len(l.Languages) > 0 {
			enabled, def = l.Languages, l.Language
		}
	}
	if u := auth.UserFromContext(c.UserContext()); u != nil {
		user = u.Locale
	}
	return enabled, def, user
}

// stylesheet serves Bootstrap Italia recoloured to ?c=rrggbb, in place of
// Bootstrap Italia's own; it depends on the colour only, so it is cached by
// colour (a few dozen in memory), with an ETag and a year's lifetime.
func (m *Module) stylesheet(c *fiber.Ctx) error {
	col, err := theme.ParseHex(c.Query("c"))
	if err != nil {
		return fiber.ErrNotFound
	}
	key := col.Hex()
	m.mu.Lock()
	css, ok := m.css[key]
	m.mu.Unlock()
	if !ok {
		css = m.tmpl.Render(col)
		m.mu.Lock()
		if len(m.css) >= 64 { // ~600 KB each
			m.css = map[string]string{}
		}
		m.css[key] = css
		m.mu.Unlock()
	}
	sum := sha256.Sum256([]byte(css))
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	return c.SendString(css)
}

// image serves one of the tenant's images; SVG under a sandboxing policy.
func (m *Module) image(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	a, err := m.Registry.GetAsset(c.UserContext(), t.ID, c.Params("sha"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	return c.Send(a.Data)
}
