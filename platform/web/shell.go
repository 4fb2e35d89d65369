package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/i18n"
)

// Shell is the page layout every module renders into (Bootstrap Italia:
// header with the site's name, language switcher and user menu, skip link,
// footer) and the static assets it links.
type Shell struct {
	Assets    *Assets
	I18n      *i18n.Bundle
	Languages []string
	// Decorate, when set, adds per-request look to every page (the tenant's
	// theme stylesheet and logo).
	Decorate func(c *fiber.Ctx, p *Page)
	// Menu are the modules that add entries to a member's user menu.
	Menu      []MenuEntry
	layout    *template.Template
	partials  []partial
	static    *Static
	fragments *fragments
}

// Static is the layout's links to the static files every page has,
// rendered once: their URLs change only with the binary, and each cost a
// page a call and three escapers, through reflection.
type Static struct {
	// Script is the head's script, BaseCSS the stylesheet when the tenant
	// has no theme of its own, Styles the other stylesheets, Scripts the
	// end of the body's scripts.
	Script, BaseCSS, Styles, Scripts template.HTML
	// Icons is the URL of Bootstrap Italia's icons.
	Icons string
}

// renderStatic renders the static templates of layout (a clone: a
// template executed can no longer be cloned for the pages) with assets.
func renderStatic(layout *template.Template, assets *Assets) (*Static, error) {
	t, err := layout.Clone()
	if err != nil {
		return nil, err
	}
	st := &Static{Icons: assets.URL("vendor/bootstrap-italia/svg/sprites.svg")}
	for name, into := range map[string]*template.HTML{"static-script": &st.Script, "static-base-css": &st.BaseCSS,
		"static-styles": &st.Styles, "static-scripts": &st.Scripts} {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, name, assets); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		*into = template.HTML(b.String()) //nolint:gosec // html/template's own output
	}
	return st, nil
}

// partial is a set of templates every page can call (a comment thread …).
type partial struct {
	fsys fs.FS
	glob string
}

// AddPartials makes the templates of fsys matching glob callable from every
// page parsed afterwards.
func (s *Shell) AddPartials(fsys fs.FS, glob string) {
	s.partials = append(s.partials, partial{fsys: fsys, glob: glob})
}

// NewShell parses the layout.
func NewShell(bundle *i18n.Bundle) (*Shell, error) {
	assets, err := NewAssets()
	if err != nil {
		return nil, err
	}
	layout, err := template.ParseFS(templates, "templates/layout.html", "templates/header.html")
	if err != nil {
		return nil, err
	}
	static, err := renderStatic(layout, assets)
	if err != nil {
		return nil, err
	}
	frags, err := newFragments(layout)
	if err != nil {
		return nil, err
	}
	return &Shell{Assets: assets, I18n: bundle, Languages: i18n.Supported, layout: layout, static: static, fragments: frags}, nil
}

// Pages parses each page file of a module (matching glob in fsys; each
// defines "content" and may define "title") together with the layout, with
// the module's own template functions if any.
func (s *Shell) Pages(fsys fs.FS, glob string, funcs ...template.FuncMap) (map[string]*template.Template, error) {
	files, err := fs.Glob(fsys, glob)
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		t, err := s.layout.Clone()
		if err != nil {
			return nil, err
		}
		for _, fm := range funcs {
			t = t.Funcs(fm)
		}
		for _, p := range s.partials {
			if t, err = t.ParseFS(p.fsys, p.glob); err != nil {
				return nil, fmt.Errorf("partials %s: %w", p.glob, err)
			}
		}
		if t, err = t.ParseFS(fsys, f); err != nil {
			return nil, fmt.Errorf("template %s: %w", f, err)
		}
		pages[path.Base(f)] = t
	}
	return pages, nil
}

// Page is what the layout needs; modules embed it in their views.
type Page struct {
	L       *i18n.Localizer
	Site    string
	User    string
	CSRF    string
	Path    string
	SignIn  string
	SignOut string
	Account string
	// Theme is the tenant's stylesheet and Logo its logo ("" for none).
	Theme       string
	Logo        string
	Favicon     string
	HeaderLinks []Link
	FooterLinks []Link
	// Nav lists the site's sections that are on (labels translated).
	Nav       []Link
	Languages []string
	// Unread is the member's unread notifications (-1: no bell).
	Unread int
	// Menu is the signed-in member's user menu, labels translated (the
	// account and sign-out entries are the layout's own).
	Menu []MenuLink
	// Notice is a warning shown above every page's content, with a link
	// to what to do (nil: none).
	Notice *Link
	// Static is the links to the static files (the shell's).
	Static *Static
	shell  *Shell // whose assets and kept parts the layout shows (Asset, NavHTML)
}

// Link is a labelled link of the header or footer; Active marks the
// navigation's entry of the page's section (NewPage sets it).
type Link struct {
	Label, URL string
	Active     bool
}

// Section is a module a tenant can switch on or off: it appears in the
// navigation under Label (a message key) and owns the paths under Path.
type Section struct{ Key, Label, Path string }

// Sectioned is a module that is a Section.
type Sectioned interface{ Section() Section }

// SectionGuard answers 404 under the path of every section that off says
// is switched off for the request (the tenant's choice).
func SectionGuard(sections []Section, off func(c *fiber.Ctx) []string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		disabled := off(c)
		for _, s := range sections {
			if (c.Path() == s.Path || strings.HasPrefix(c.Path(), s.Path+"/")) && slices.Contains(disabled, s.Key) {
				return fiber.ErrNotFound
			}
		}
		return c.Next()
	}
}

// Layout is the page itself, for the layout: views embed Page, and the
// layout reads its fields through this (a promoted field is looked up by a
// slow search on every use; a promoted method is not).
func (p Page) Layout() Page { return p }

// Asset is a static file's URL.
func (p Page) Asset(name string) string { return p.shell.Assets.URL(name) }

// NewPage fills the layout's data for the request.
func (s *Shell) NewPage(c *fiber.Ctx, site, user, csrfToken string) Page {
	p := Page{L: s.I18n.FromContext(c.UserContext()), Site: site, User: user, CSRF: csrfToken,
		Path: c.Path(), Languages: s.Languages, Static: s.static, shell: s, Unread: -1}
	if n, ok := c.Locals(LocalUnread).(int); ok {
		p.Unread = n
	}
	if user != "" {
		p.Menu = s.menu(c, p.L.T)
	}
	if s.Decorate != nil {
		s.Decorate(c, &p)
	}
	for i := range p.Nav {
		p.Nav[i].Active = p.Current(p.Nav[i].URL)
	}
	return p
}

// Render executes page (from Pages) with data and sends it. The page is
// written straight into the answer's body, a buffer the HTTP server reuses
// from request to request: a page of tens of kilobytes grown in a buffer of
// its own cost as much again in allocations, most of a cached page's.
// A page that fails half-way leaves no part of itself behind.
func Render(c *fiber.Ctx, status int, page *template.Template, data any) error {
	if page == nil {
		return fmt.Errorf("render: no such page")
	}
	res := c.Response()
	res.ResetBody()
	if err := page.ExecuteTemplate(res.BodyWriter(), "layout", data); err != nil {
		res.ResetBody()
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Status(status)
	return nil
}

// NewShellFrom builds the bundle of the given message files (the platform's
// are added) and the shell over it.
func NewShellFrom(sources ...fs.FS) (*Shell, error) {
	bundle, err := i18n.New(append([]fs.FS{i18n.Messages}, sources...)...)
	if err != nil {
		return nil, err
	}
	return NewShell(bundle)
}
