// Package document is the document libraries: one per community, seen by
// its members, and the tenant's own at /documents, managed by the tenant's
// admins, whose documents carry a publication scope (platform/scope) as
// other content does. A library holds nested folders and documents: files
// with versions — each version's bytes an attachment of the document,
// checked, stored and counted against the site's storage by
// platform/attachment — and external links, classified by the S3 themes
// and the tenant's tags, searched in their own language. Who may add,
// change and remove what is decided in one place (allowed).
package document

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/search"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// ContentType names documents in events, attachments and authorisation
// objects ("community/<id>/content/document").
const ContentType = "document"

// Deps are what the module needs: the content kit's, and the file store
// that keeps the versions' bytes.
type Deps struct {
	content.Deps
	Files storage.Store
}

// Module is the document libraries. The content kit gives documents their
// scoped queries, search and pages' skeleton; the module keeps its kit in
// a field rather than embedding it, so that it offers the collectors only
// what it means to (no inbox: nothing of a library waits for anyone).
type Module struct {
	kit   *content.Kit[Document, *Document]
	files storage.Store
}

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	m := &Module{files: d.Files}
	kit, err := content.New(definition(), d.Deps, content.Rules{Viewer: community.ContentViewer, Guard: community.Guard,
		CheckScope: community.CheckScope, Slug: func(ctx context.Context) string { return tenant.FromContext(ctx).Slug }},
		templates, content.WithKit(Messages))
	if err != nil {
		return nil, err
	}
	m.kit = kit
	return m, nil
}

// definition is what the kit knows of documents.
func definition() content.Type[Document, *Document] {
	return content.Type[Document, *Document]{
		Name: ContentType, Key: "document", Table: "documents", Alias: "d", Path: "/documents", NotFound: ErrNotFound,
		Select: selectFor, Visible: visible,
		SearchText: "d.title || ' ' || d.tag_names || ' ' || d.body",
		// its newest: added or given a version last, as in the dashboard
		SearchNewest: "d.feed_at DESC, d.id DESC",
		Open:         func(*Document) bool { return false },
		Summary:      func(d *Document) string { return d.Body },
		Funcs: template.FuncMap{"hasString": func(l []string, s string) bool { return slices.Contains(l, s) },
			"size": humanSize, "kinds": func() []string { return Kinds }},
	}
}

// Messages are the module's message files, with the kit's.
func (m *Module) Messages() fs.FS { return m.kit.Messages() }

// Section is the tenant library's place in the navigation.
func (m *Module) Section() web.Section { return m.kit.Section() }

// Search finds the documents the member uid may see (search.Source).
func (m *Module) Search(ctx context.Context, tx bun.IDB, q search.Query, uid int64) (*search.Part, error) {
	return m.kit.Search(ctx, tx, q, uid)
}

// CommunityItems are community id's latest documents, for its page (its
// members only: the library's rules are in the query).
func (m *Module) CommunityItems(ctx context.Context, tx bun.IDB, id, uid int64, limit int) ([]community.Item, error) {
	cards, err := m.kit.Cards(ctx, tx, id, uid, limit)
	out := make([]community.Item, 0, len(cards))
	for _, c := range cards {
		out = append(out, community.Item(c))
	}
	return out, err
}

// CommunityTab is the link of community id's page to its library, for
// its members (the community's page offers it to members only).
func (m *Module) CommunityTab(_ context.Context, _ bun.IDB, id, _ int64) (community.Item, bool, error) {
	return community.Item{Type: ContentType, URL: communityPath(id)}, true, nil
}

// Routes registers the libraries' pages: the tenant library and a
// document's page are open to guests (what their scope shows them), the
// rest to members.
func (m *Module) Routes(r fiber.Router) {
	g := r.Group("/documents")
	g.Get("/", m.showLibrary)
	g.Get("/communities/:cid<int>", auth.RequireMember, m.showLibrary)
	g.Get("/folders/:fid<int>", m.showLibrary)
	g.Post("/folders", auth.RequireMember, m.createFolder)
	g.Post("/folders/:fid<int>/edit", auth.RequireMember, m.saveFolder)
	g.Post("/folders/:fid<int>/delete", auth.RequireMember, m.deleteFolder)
	g.Get("/new", auth.RequireMember, m.newForm)
	g.Post("/", auth.RequireMember, m.create)
	g.Get("/:id<int>", m.show)
	g.Get("/:id<int>/edit", auth.RequireMember, m.editForm)
	g.Post("/:id<int>/edit", auth.RequireMember, m.save)
	g.Post("/:id<int>/delete", auth.RequireMember, m.remove)
	g.Post("/:id<int>/versions", auth.RequireMember, m.upload)
	g.Get("/:id<int>/versions/:n<int>", m.download)
	g.Post("/:id<int>/versions/:n<int>/restore", auth.RequireMember, m.restore)
}

// communityPath is the address of community id's library.
func communityPath(id int64) string { return "/documents/communities/" + strconv.FormatInt(id, 10) }
