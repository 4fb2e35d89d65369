// Package project is research and innovation projects: a project (dates,
// status, funding, themes), its people with their role in it (manager,
// partner referent, participant, observer), its partners and its closed
// community, and its plan — work packages, tasks with finish-to-start
// dependencies and assignees, milestones — drawn on the server as a
// timeline (an SVG Gantt chart with a table holding the same data), and
// exported as CSV and iCalendar. A project may be born from a proposal's
// work group (platform/lineage): the proposal, its relevant respondents
// and their organisations are carried over, and the two link each other.
// Only a project's people see it: to everyone else it does not exist.
package project

import (
	"embed"
	"html/template"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/lineage"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/richtext"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed partials/*.html
var partials embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Key is the module's key (its section, its content kind).
const Key = "project"

// Deps are what the module needs.
type Deps struct {
	screen.Deps
	// Now is the clock that says what is late (nil: time.Now).
	Now func() time.Time
	// Files keeps the expenses' evidence; Dispatch queues the
	// notifications of progress reports once committed.
	Files    storage.Store
	Dispatch notify.Dispatcher
}

// Module is the projects module.
type Module struct {
	screen.Kit
	now      func() time.Time
	files    storage.Store
	dispatch notify.Dispatcher
	// parents are the modules projects may be born from (proposals).
	parents []lineage.Parent
}

// New parses the module's pages.
func New(d Deps) (*Module, error) {
	funcs := template.FuncMap{"contains": slices.Contains[[]string], "has": slices.Contains[[]int64], "themes": func() []string { return taxonomy.Themes },
		"statuses": func() []string { return Statuses }, "taskStatuses": func() []string { return TaskStatuses },
		"roles": func() []string { return Roles }, "dateValue": dateValue, "euro": Euro, "num": num, "dict": screen.Dict, "short": short,
		"deref": func(p *int64) int64 { return *p }, "money": Money, "categories": func() []string { return Categories },
		"rich": richtext.HTML, "percent": percent, "sumRows": sumRows, "barMarks": barMarks, "changeRows": changeRows,
		"add": func(a, b int) int { return a + b }, "neg": func(n int64) int64 { return -n }, "min": func(a, b int64) int64 { return min(a, b) }}
	k, err := screen.New(d.Deps, templates, Messages, funcs, screen.Partial{FS: keyset.Partials, Pattern: keyset.Pattern},
		screen.Partial{FS: partials, Pattern: "partials/*.html"})
	if err != nil {
		return nil, err
	}
	m := &Module{Kit: k, now: d.Now, files: d.Files, dispatch: d.Dispatch}
	if m.now == nil {
		m.now = time.Now
	}
	return m, nil
}

// Collect finds the modules projects may be born from.
func (m *Module) Collect(mods []web.Module) { m.parents = web.Offered[lineage.Parent](mods) }

// Section is the module's place in the navigation.
func (m *Module) Section() web.Section {
	return web.Section{Key: Key, Label: "project.nav", Path: "/projects"}
}

// Routes registers the module's pages and actions, for signed-in members.
func (m *Module) Routes(r fiber.Router) {
	g := r.Group("/projects", auth.RequireMember)
	g.Get("/", m.list)
	g.Get("/new", m.newForm)
	g.Post("/", m.create)
	g.Get("/:id<int>", m.show)
	g.Get("/:id<int>/edit", m.editForm)
	g.Post("/:id<int>/edit", m.save)
	g.Post("/:id<int>/members", m.addMember)
	g.Post("/:id<int>/members/:uid<int>/:action", m.member)
	g.Post("/:id<int>/partners", m.addPartner)
	g.Post("/:id<int>/partners/:pid<int>/remove", m.removePartner)
	g.Get("/:id<int>/gantt", m.gantt)
	g.Get("/:id<int>/milestones.ics", m.calendar)
	g.Get("/:id<int>/plan.csv", m.planCSV)
	g.Get("/:id<int>/tasks", m.tasks)
	g.Get("/:id<int>/work-packages/new", m.workPackageForm)
	g.Post("/:id<int>/work-packages", m.workPackageSave)
	g.Get("/:id<int>/work-packages/:wid<int>/edit", m.workPackageForm)
	g.Post("/:id<int>/work-packages/:wid<int>/edit", m.workPackageSave)
	g.Post("/:id<int>/work-packages/:wid<int>/delete", m.workPackageDelete)
	g.Get("/:id<int>/tasks/new", m.taskForm)
	g.Post("/:id<int>/tasks", m.taskSave)
	g.Get("/:id<int>/tasks/:tid<int>", m.taskShow)
	g.Get("/:id<int>/tasks/:tid<int>/edit", m.taskForm)
	g.Post("/:id<int>/tasks/:tid<int>/edit", m.taskSave)
	g.Post("/:id<int>/tasks/:tid<int>/progress", m.taskProgress)
	g.Post("/:id<int>/tasks/:tid<int>/dependencies", m.dependencyAdd)
	g.Post("/:id<int>/tasks/:tid<int>/dependencies/:pid<int>/remove", m.dependencyRemove)
	g.Post("/:id<int>/tasks/:tid<int>/delete", m.taskDelete)
	g.Get("/:id<int>/milestones/new", m.milestoneForm)
	g.Post("/:id<int>/milestones", m.milestoneSave)
	g.Get("/:id<int>/milestones/:mid<int>/edit", m.milestoneForm)
	g.Post("/:id<int>/milestones/:mid<int>/edit", m.milestoneSave)
	g.Post("/:id<int>/milestones/:mid<int>/delete", m.milestoneDelete)
	m.budgetRoutes(g)
	m.reportRoutes(g)
}

// budgetRoutes are the budget's pages, forms and exports.
func (m *Module) budgetRoutes(g fiber.Router) {
	g.Get("/:id<int>/budget", m.budget)
	g.Get("/:id<int>/budget/history", m.budgetHistory)
	g.Get("/:id<int>/budget.csv", m.budgetCSV)
	g.Get("/:id<int>/expenses.csv", m.expensesCSV)
	g.Get("/:id<int>/budget/lines/new", m.lineForm)
	g.Post("/:id<int>/budget/lines", m.lineSave)
	g.Get("/:id<int>/budget/lines/:lid<int>/edit", m.lineForm)
	g.Post("/:id<int>/budget/lines/:lid<int>/edit", m.lineSave)
	g.Post("/:id<int>/budget/lines/:lid<int>/delete", m.lineDelete)
	g.Get("/:id<int>/budget/expenses/new", m.expenseForm)
	g.Post("/:id<int>/budget/expenses", m.expenseSave)
	g.Get("/:id<int>/budget/expenses/:eid<int>", m.expenseShow)
	g.Post("/:id<int>/budget/expenses/:eid<int>", m.expenseSave)
	g.Post("/:id<int>/budget/expenses/:eid<int>/delete", m.expenseDelete)
}

// reportRoutes are the progress reports' pages, forms and steps.
func (m *Module) reportRoutes(g fiber.Router) {
	g.Get("/:id<int>/reports", m.reports)
	g.Post("/:id<int>/reports", m.reportCreate)
	g.Get("/:id<int>/reports/:rid<int>", m.reportShow)
	g.Get("/:id<int>/reports/:rid<int>/edit", m.reportForm)
	g.Post("/:id<int>/reports/:rid<int>/edit", m.reportSave)
	g.Post("/:id<int>/reports/:rid<int>/do/:action", m.reportStep)
}

// today is the date of the module's clock.
func (m *Module) today() time.Time { return Today(m.now()) }

// dateValue is a date as a date field holds it ("" for none).
func dateValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// short is s cut to n characters, an ellipsis marking the cut.
func short(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
