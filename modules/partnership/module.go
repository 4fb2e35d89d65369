// Package partnership is the partnership profiles of the Enterprise
// Europe Network (EEN): technology and business offers and requests and
// R&D cooperation requests, a content type on the content kit
// (platform/content) whose items are imported rather than written — from
// an XML file export, by the command line or the tenant's admin area, all
// of a file or nothing, idempotent by EEN reference — and published to the
// whole tenant at once; a profile a full export no longer holds expires
// (readable, taking no new interest). A keyword → theme mapping kept by
// the tenant's admins gives profiles their S3 themes. Members browse,
// search and filter profiles and express their interest, which the
// tenant's EEN advisors follow up (new → taken over → information
// requested → agreement reached or closed without agreement); an interest
// is private to its author and the advisors.
package partnership

import (
	"context"
	"embed"
	"html/template"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/workflow"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Sample is the sample export the project ships (testdata/een-sample.xml,
// copied to docs/een-sample.xml), which the demo imports.
//
//go:embed testdata/een-sample.xml
var Sample []byte

// Deps are what the module needs: the content kit's, and the audit trail
// of admins' actions (an import).
type Deps struct {
	content.Deps
	Record func(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error
}

// Module is the partnership profiles module.
type Module struct {
	*content.Kit[Profile, *Profile]
	record func(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error
}

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	m := &Module{record: d.Record}
	kit, err := content.New(m.definition(), d.Deps, content.Rules{Viewer: community.ContentViewer, Guard: community.Guard,
		CheckScope: community.CheckScope, Slug: func(ctx context.Context) string { return tenant.FromContext(ctx).Slug }}, templates, content.WithKit(Messages))
	if err != nil {
		return nil, err
	}
	m.Kit = kit
	return m, nil
}

// definition is what makes a profile a profile: imported (no form), read
// by every member, never commented on or edited.
func (m *Module) definition() content.Type[Profile, *Profile] {
	return content.Type[Profile, *Profile]{
		Name: ContentType, Key: "partnership", Table: "partnerships", Alias: "pa", Path: "/partnerships", NotFound: ErrNotFound,
		Select: selectFor, ListSelect: selectList, Visible: visible,
		SearchText: "pa.reference || ' ' || pa.summary || ' ' || pa.keyword_text || ' ' || pa.body || ' ' || pa.innovation",
		Open:       func(*Profile) bool { return false },
		MayEdit:    func(*Profile, int64, workflow.Guard) bool { return false },
		Summary:    func(p *Profile) string { return p.Summary },
		Detail:     m.detail, Filter: listFilter,
		Funcs: template.FuncMap{"kinds": func() []string { return Kinds }, "themes": func() []string { return taxonomy.Themes },
			"countries": func() []string { return Countries }, "country": countryName, "day": day,
			"deadlines": func() []string { return []string{"open", "past"} }, "deref": func(p *int64) int64 { return *p }},
	}
}

// Routes registers the kit's pages (the list and a profile's page, see
// content.Kit.Mount), those of interests, and the admin area's page of
// imports and of the keyword mapping.
func (m *Module) Routes(r fiber.Router) {
	g := m.Mount(r)
	g.Get("/:id<int>/interest", auth.RequireMember, m.interestForm)
	g.Post("/:id<int>/interest", auth.RequireMember, m.interestCreate)
	g.Get("/interests/:iid<int>", auth.RequireMember, m.interestShow)
	g.Post("/interests/:iid<int>/do/:action", auth.RequireMember, m.interestTransition)
	a := r.Group("/admin/partnerships", authz.Require("admin/area", "manage"))
	a.Get("/", m.adminPage)
	a.Post("/import", m.adminImport)
	a.Post("/keywords", m.keywordAdd)
	a.Post("/keywords/apply", m.keywordApply)
	a.Post("/keywords/:id<int>/remove", m.keywordRemove)
}

// MenuEntries offers the admin page of imports to the member's menu when
// they manage the tenant.
func (m *Module) MenuEntries(c *fiber.Ctx) []web.MenuLink {
	if !authz.Can(c.UserContext(), "admin/area", "manage") {
		return nil
	}
	return []web.MenuLink{{Label: "partnership.menu.admin", URL: "/admin/partnerships", Rank: 31}}
}

// off says whether the tenant of ctx switched the module off: then it
// offers nothing to the inbox or search either (its pages answer 404, see
// web.SectionGuard).
func off(ctx context.Context) bool {
	t := tenant.FromContext(ctx)
	return t != nil && (slices.Contains(t.Brand.Published.Off, ContentType) || !t.Plan.AllowsModule(ContentType))
}

// countryName is the name of country code in l's language (the code when
// it is none).
func countryName(l *i18n.Localizer, code string) string {
	reg, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.Regions(language.Make(l.Lang)).Name(reg); n != "" {
		return n
	}
	return code
}

// day is a date (a deadline) as l writes it.
func day(l *i18n.Localizer, t *time.Time) string {
	if t == nil {
		return ""
	}
	return l.Date(*t)
}

// item is profile id in the workflow.
func item(id int64) workflow.Item {
	return workflow.Item{Type: ContentType, Table: "partnerships", ID: id}
}

// interestURL is the address of interest id's page.
func interestURL(id int64) string { return "/partnerships/interests/" + strconv.FormatInt(id, 10) }
