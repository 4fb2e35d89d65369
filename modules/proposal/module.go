// Package proposal is collaboration proposals, a content type on the
// content kit (platform/content), scoped and validated as every content
// type, with a workflow of its own (draft → to validate → published →
// closed → archived): a proposal is closed by its proposer or, at its
// closing date, by a durable job, and stays readable once closed. On a
// published proposal members express their interest (private to them, the
// proposer and the facilitators), the proposer evaluates each one and turns
// the relevant respondents into a private community, the proposal's work
// group.
package proposal

import (
	"context"
	"embed"
	"html/template"
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/comment"
	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/file"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/jobs"
	"github.com/piazza-pa/piazza/platform/lineage"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/workflow"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Deps are what the module needs: the content kit's, the registry (for
// the closing job, which names its tenant) and the queue of jobs.
type Deps struct {
	content.Deps
	Registry *tenant.Registry
	Jobs     *jobs.Queue
}

// Module is the proposals module: the content kit with proposals' own
// definitions, and the expressions of interest.
type Module struct {
	*content.Kit[Proposal, *Proposal]
	content.Sources[community.Item, comment.Item, file.Item]
	registry *tenant.Registry
	jobs     *jobs.Queue
	// children are the modules whose items may be born from a proposal
	// (projects), found on the module list (Collect).
	children []lineage.Child
}

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	m := &Module{registry: d.Registry, jobs: d.Jobs}
	kit, err := content.New(m.definition(), d.Deps, content.Rules{Viewer: community.ContentViewer, Guard: guard,
		CheckScope: community.CheckScope, Slug: func(ctx context.Context) string { return tenant.FromContext(ctx).Slug }}, templates, content.WithKit(Messages))
	if err != nil {
		return nil, err
	}
	m.Kit, m.Sources = kit, content.SourcesOf[community.Item, comment.Item, file.Item](kit)
	return m, nil
}

// definition is what makes a proposal a proposal.
func (m *Module) definition() content.Type[Proposal, *Proposal] {
	return content.Type[Proposal, *Proposal]{
		Name: ContentType, Key: "proposal", Table: "proposals", Alias: "p", Path: "/proposals", NotFound: ErrNotFound,
		Select: selectFor, ListSelect: selectList, Visible: visible,
		SearchText: "p.summary || ' ' || p.offer || ' ' || p.expected", SearchHTML: "p.body",
		Open:    func(p *Proposal) bool { return p.State == workflow.Published },
		MayEdit: mayEdit,
		Summary: func(p *Proposal) string { return p.Summary },
		Kinds:   []string{scope.Tenant, scope.Interests, scope.Communities},
		Parse:   fromForm, Check: check, Update: m.update,
		Detail: m.detail, Choices: choices, Filter: listFilter, Published: m.scheduleClosing,
		Funcs: template.FuncMap{"hasString": func(l []string, s string) bool { return slices.Contains(l, s) },
			"dateValue": dateValue, "deref": func(p *int64) int64 { return *p }, "kinds": func() []string { return Kinds }, "themes": func() []string { return taxonomy.Themes },
			"trls":     func() []string { return []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"} },
			"statuses": func() []string { return []string{"open", Closed} }, "matchList": matchList},
	}
}

// Routes registers the kit's pages (see content.Kit.Mount) and those of
// the expressions of interest, the work group and invitations.
func (m *Module) Routes(r fiber.Router) {
	g := m.Mount(r)
	g.Get("/:id<int>/interest", auth.RequireMember, m.interestForm)
	g.Post("/:id<int>/interest", auth.RequireMember, m.interestCreate)
	g.Get("/interests/:iid<int>", auth.RequireMember, m.interestShow)
	g.Get("/interests/:iid<int>/edit", auth.RequireMember, m.interestEditForm)
	g.Post("/interests/:iid<int>/edit", auth.RequireMember, m.interestSave)
	g.Post("/interests/:iid<int>/do/:action", auth.RequireMember, m.interestTransition)
	g.Post("/:id<int>/work-group", auth.RequireMember, m.workGroup)
	g.Post("/:id<int>/invite", auth.RequireMember, m.invitePost)
}

// guard is community.Guard with the proposer's own permission: they close
// their proposal (so do those whose roles hold "close": admins and the
// managers of its communities).
func guard(ctx context.Context, tx bun.IDB, contentType string, s scope.Scope, author, uid int64) (workflow.Guard, error) {
	may, err := community.Guard(ctx, tx, contentType, s, author, uid)
	if err != nil {
		return nil, err
	}
	return func(perm string) bool {
		if perm == "close" && uid != 0 && author == uid {
			return true
		}
		return may(perm)
	}, nil
}

// mayEdit: the proposer edits their draft; who may publish edits at any
// time.
func mayEdit(p *Proposal, uid int64, may workflow.Guard) bool {
	return (p.Author() == uid && p.State == workflow.Draft) || may("publish")
}
