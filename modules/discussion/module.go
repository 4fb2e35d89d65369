// Package discussion is discussions: topics with threaded replies (the
// replies are comments), a content type on the content kit
// (platform/content), scoped and validated as every content type; what is
// its own: a topic is closed and reopened to replies by its author or
// those who may publish it, and it lists its count of replies.
package discussion

import (
	"context"
	"embed"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/comment"
	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/file"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/redirect"
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

// Module is the discussions module: the content kit with topics' own
// definitions.
type Module struct {
	*content.Kit[Topic, *Topic]
	content.Sources[community.Item, comment.Item, file.Item]
}

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	kit, err := content.New(content.Type[Topic, *Topic]{
		Name: ContentType, Key: "discussion", Table: "discussions", Alias: "d", Path: "/discussions", NotFound: ErrNotFound,
		Select: selectFor, ListSelect: selectList, Visible: visible, SearchHTML: "d.body",
		Open:    func(t *Topic) bool { return t.State == workflow.Published && !t.Closed },
		MayEdit: func(t *Topic, uid int64, may workflow.Guard) bool { return t.Author() == uid || may("publish") },
		Kinds:   []string{scope.Tenant, scope.Interests, scope.Communities},
		Parse:   fromForm,
		Choices: choices,
	}, d, content.Rules{Viewer: community.ContentViewer, Guard: community.Guard, CheckScope: community.CheckScope,
		Slug: func(ctx context.Context) string { return tenant.FromContext(ctx).Slug }}, templates, content.WithKit(Messages))
	if err != nil {
		return nil, err
	}
	return &Module{Kit: kit, Sources: content.SourcesOf[community.Item, comment.Item, file.Item](kit)}, nil
}

// Routes registers the module's pages (see content.Kit.Mount) and the
// closing and reopening of a topic.
func (m *Module) Routes(r fiber.Router) {
	g := m.Mount(r)
	g.Post("/:id<int>/close", auth.RequireMember, m.setClosed(true))
	g.Post("/:id<int>/reopen", auth.RequireMember, m.setClosed(false))
}

// fromForm reads a topic from the form and checks it.
func fromForm(c *fiber.Ctx) (*Topic, form.Errors) {
	base, errs := content.FromForm(c, "discussion")
	return &Topic{Base: base}, errs
}

// choices are what the form's scope field offers: the member's
// communities (a topic is for the whole site, for themes, or for them).
func choices(ctx context.Context, tx bun.IDB, _ *Topic, uid int64) (any, error) {
	joined, err := community.Joined(ctx, tx, uid)
	return content.ScopeChoices{Communities: joined}, err
}

// setClosed closes or reopens a topic to new replies (SetClosed).
func (m *Module) setClosed(closed bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
		if err := m.SetClosed(c.UserContext(), id, closed); err != nil {
			return err
		}
		return redirect.To(c, m.URL(id)+"?done=1")
	}
}

// SetClosed closes or reopens topic id to new replies: its author or who
// may publish it does, once it is published.
func (m *Module) SetClosed(ctx context.Context, id int64, closed bool) error {
	return m.Act(ctx, id, func(ctx context.Context, tx bun.Tx, t *Topic, vw scope.Viewer, may workflow.Guard) error {
		if t.State != workflow.Published || (t.Author() != vw.UserID && !may("publish")) {
			return authz.ErrForbidden
		}
		_, err := tx.NewUpdate().Table("discussions").Set("closed = ?, updated_at = now()", closed).Where("id = ?", id).Exec(ctx)
		return err
	})
}
