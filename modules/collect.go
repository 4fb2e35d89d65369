package modules

import (
	"io/fs"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/brand"
	"github.com/piazza-pa/piazza/modules/comment"
	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/dashboard"
	"github.com/piazza-pa/piazza/modules/file"
	"github.com/piazza-pa/piazza/modules/search"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/match"
	"github.com/piazza-pa/piazza/platform/web"
)

// What a module of the list may offer besides its routes (web.Sectioned
// and the collectors' own interfaces, such as dashboard.FeedSource, are
// found the same way).
type (
	// messages are a module's message files (locale/*.toml).
	messages interface{ Messages() fs.FS }
	// partials are templates (templates/*.html) that the pages of the
	// modules after it in the list may call.
	partials interface{ Partials() fs.FS }
	// typed is a content type: comment and attachment routes name its
	// items by it.
	typed interface{ ContentType() string }
	// several is a module that has items of more types than its own
	// (a proposal's expressions of interest): each a typed value offering
	// what it offers for its items.
	several interface{ ContentTypes() []any }
	// decorator adds the tenant's look to every page.
	decorator interface {
		Decorate(c *fiber.Ctx, p *web.Page)
	}
)

// build builds the lists, then the bundle of every module's messages, and
// gives the collectors what the modules offer.
func (b *builder) build() (*Set, error) {
	tenantMods, operatorMods := b.tenantModules(), b.operatorModules()
	if b.err != nil {
		return nil, b.err
	}
	files := []fs.FS{i18n.Messages, auth.Messages, match.Messages}
	for _, m := range offered[messages](slices.Concat(tenantMods, operatorMods)) {
		files = append(files, m.Messages())
	}
	bundle, err := i18n.New(files...)
	if err != nil {
		return nil, err
	}
	b.shell.I18n = bundle
	b.shell.Menu = offered[web.MenuEntry](tenantMods)
	sections := collect(tenantMods, b.shell)
	return &Set{Bundle: bundle, Shell: b.shell, Tenant: tenantMods, Operator: operatorMods,
		Language: bundle.Middleware(browserLanguages, b.Secure),
		Shared: []fiber.Handler{b.Cache.Middleware(), b.csrf.Handler(), b.signIn.Middleware(),
			bundle.Middleware(brand.Languages, b.Secure), web.SectionGuard(sections, brand.OffAmong(sections))},
	}, nil
}

// collect gives every collector of mods what the modules offer, once all
// are built (a collector may come before what it collects, as the order
// of the navigation wants), and returns the sections of the navigation.
func collect(mods []web.Module, shell *web.Shell) []web.Section {
	var sections []web.Section
	for _, s := range offered[web.Sectioned](mods) {
		sections = append(sections, s.Section())
	}
	for _, m := range mods {
		switch m := m.(type) {
		case *brand.Module:
			m.Sections = sections
		case *comment.Module:
			m.Targets = byType[comment.Target](mods)
		case *file.Module:
			m.Targets = byType[file.Target](mods)
		case *community.Module:
			m.Content, m.Origins, m.Tabs = offered[community.ContentSource](mods), offered[community.Origin](mods), offered[community.Tab](mods)
		case *search.Module:
			m.Sources = offered[search.Source](mods)
		case *dashboard.Module:
			m.Feed, m.Inbox = offered[dashboard.FeedSource](mods), offered[dashboard.InboxSource](mods)
		}
		if d, ok := m.(decorator); ok {
			shell.Decorate = chain(shell.Decorate, d.Decorate)
		}
		if c, ok := m.(web.Collector); ok {
			c.Collect(mods)
		}
	}
	return sections
}

// offered is what the modules of mods offer as T, in the list's order.
func offered[T any](mods []web.Module) []T { return web.Offered[T](mods) }

// byType is what the content types of mods offer as T, by content type.
func byType[T any](mods []web.Module) map[string]T {
	out := map[string]T{}
	add := func(m any) {
		v, ok := m.(T)
		if t, isType := m.(typed); ok && isType {
			out[t.ContentType()] = v
		}
	}
	for _, m := range mods {
		add(m)
		if s, ok := m.(several); ok {
			for _, more := range s.ContentTypes() {
				add(more)
			}
		}
	}
	return out
}

// browserLanguages are the languages every site offers, for the first
// choice, made before the tenant is known.
func browserLanguages(*fiber.Ctx) (enabled []string, def, user string) {
	return i18n.Supported, i18n.Default, ""
}

// chain is a decorator that runs first, then next (first may be nil).
func chain(first, next func(c *fiber.Ctx, p *web.Page)) func(c *fiber.Ctx, p *web.Page) {
	if first == nil {
		return next
	}
	return func(c *fiber.Ctx, p *web.Page) {
		first(c, p)
		next(c, p)
	}
}
