// Package news is the news module, a content type on the content kit
// (platform/content): each item has a publication scope (platform/scope,
// enforced in its queries) and a workflow (platform/workflow: draft → to
// validate → published → archived, direct publication for whoever may)
// whose permissions combine the tenant's roles with the author's community
// roles. What is its own: a summary, subtitle and category, a picture among
// its image attachments, related items, a place in evidence and a
// publication window.
package news

import (
	"context"
	"embed"
	"html/template"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/comment"
	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/file"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/workflow"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Deps are what the module needs.
type Deps = content.Deps

// Module is the news module: the content kit with news' own definitions.
type Module struct {
	*content.Kit[News, *News]
	content.Sources[community.Item, comment.Item, file.Item]
}

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	m := &Module{}
	kit, err := content.New(m.definition(), d, content.Rules{Viewer: community.ContentViewer, Guard: community.Guard,
		CheckScope: community.CheckScope, Slug: func(ctx context.Context) string { return tenant.FromContext(ctx).Slug }}, templates, content.WithKit(Messages))
	if err != nil {
		return nil, err
	}
	m.Kit, m.Sources = kit, content.SourcesOf[community.Item, comment.Item, file.Item](kit)
	return m, nil
}

// definition is what makes news news.
func (m *Module) definition() content.Type[News, *News] {
	return content.Type[News, *News]{
		Name: ContentType, Key: "news", Table: "news", Alias: "n", Path: "/news", NotFound: ErrNotFound,
		Select: selectFor, ListSelect: selectList, Visible: visible,
		// the summary is searched too
		SearchText: "n.summary", SearchHTML: "n.body",
		Open:    func(n *News) bool { return n.State == workflow.Published },
		MayEdit: mayEdit,
		Summary: func(n *News) string { return n.Summary },
		Kinds:   scope.Kinds,
		Parse:   fromForm, Check: m.check, Update: update,
		Detail: m.related, Choices: m.choices,
		Funcs: template.FuncMap{"localTime": localTimeValue,
			"hasString": func(l []string, s string) bool { return slices.Contains(l, s) }},
	}
}

// Routes registers the module's pages (see content.Kit.Mount).
func (m *Module) Routes(r fiber.Router) { m.Mount(r) }

// mayEdit: the author edits their draft; who may publish edits at any time.
func mayEdit(n *News, uid int64, may workflow.Guard) bool {
	return (n.Author() == uid && n.State == workflow.Draft) || may("publish")
}

// related are the items related to n that v sees, for its page.
func (m *Module) related(ctx context.Context, tx bun.IDB, v scope.Viewer, n *News) (any, error) {
	var out []News
	for _, id := range n.Related {
		if r, err := m.Get(ctx, tx, v, id); err == nil {
			out = append(out, *r)
		}
	}
	return out, nil
}

// localTimeValue is t for a datetime-local field ("" for none).
func localTimeValue(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(i18n.Zone).Format("2006-01-02T15:04")
}
