package project

import (
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/lineage"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

// flashes are the outcomes an action reports on the page it returns to.
var flashes = []string{"created", "saved", "member", "removed", "partner", "partner_removed", "wp", "wp_deleted",
	"task", "task_deleted", "progress", "dependency", "dependency_removed", "milestone", "milestone_deleted", "moved",
	"line", "line_deleted", "expense", "expense_deleted", "file", "reports", "report_saved", "report_step"}

// message is the sentence of the page's ?done= outcome ("" for none).
func (m *Module) message(c *fiber.Ctx) string {
	if d := c.Query("done"); slices.Contains(flashes, d) {
		return m.T(c, "project.done."+d)
	}
	return ""
}

// back sends the browser to path with the outcome done.
func back(c *fiber.Ctx, path, done string) error {
	return web.Go(c, path+"?done="+done)
}

type listView struct {
	web.Page
	Projects []Project
	Pager    keyset.Pager
	Create   bool
	Message  string
}

// list shows a page of the member's projects, newest first: the first, or
// the one after the cursor ?after= (404 for a cursor no page wrote).
func (m *Module) list(c *fiber.Ctx) error {
	after := c.Query("after")
	cur, err := keyset.Decode(listName, after)
	if err != nil {
		return err
	}
	v := listView{Page: m.Page(c), Create: mayCreate(c.UserContext()), Message: m.message(c)}
	var next string
	if v.Projects, next, err = m.List(c.UserContext(), cur); err != nil {
		return err
	}
	v.Pager = keyset.Links(v.L, "project.list", "/projects", nil, after, next)
	return m.Render(c, fiber.StatusOK, "list.html", v)
}

type formView struct {
	web.Page
	Project *Project
	Action  string
	Errors  map[string]string
	// Origin is the item the new project is born from ("" for none), Seed
	// what it hands over.
	Origin string
	Seed   *lineage.Seed
	// Grant is the grant as typed.
	Grant string
}

func (m *Module) renderForm(c *fiber.Ctx, status int, v formView, errs form.Errors) error {
	v.Page = m.Page(c)
	if errs != nil {
		v.Errors = errs.Translate(v.L.T)
	}
	if v.Grant == "" && v.Project.GrantCents != nil {
		v.Grant = Euro(*v.Project.GrantCents, v.L.Lang)
	}
	return m.Render(c, status, "form.html", v)
}

// newForm is the form of a new project: from scratch, or from the item
// ?from= names (a proposal's work group), filled with what it hands over.
func (m *Module) newForm(c *fiber.Ctx) error {
	o, ok := ParseOrigin(c.Query("from"))
	if !ok {
		return errNoOrigin
	}
	seed, err := m.Seed(c.UserContext(), o)
	if err != nil {
		return err
	}
	today := m.today()
	p := &Project{Status: "planned", StartsOn: today, EndsOn: today.AddDate(2, 0, 0).AddDate(0, 0, -1), Themes: []string{}}
	if seed != nil {
		p.Title, p.Summary, p.Themes = cut(seed.Title, 200), cut(seed.Summary, 4000), seed.Themes
	}
	return m.renderForm(c, fiber.StatusOK, formView{Project: p, Action: "/projects", Origin: o.String(), Seed: seed}, nil)
}

// create records a new project and goes to its page.
func (m *Module) create(c *fiber.Ctx) error {
	o, ok := ParseOrigin(c.FormValue("origin"))
	if !ok {
		return errNoOrigin
	}
	p, errs := projectForm(c)
	if len(errs) > 0 {
		seed, err := m.Seed(c.UserContext(), o)
		if err != nil {
			return err
		}
		return m.renderForm(c, fiber.StatusUnprocessableEntity, formView{Project: p, Action: "/projects", Origin: o.String(),
			Seed: seed, Grant: c.FormValue("grant")}, errs)
	}
	if err := m.Create(c.UserContext(), p, o); err != nil {
		return err
	}
	return back(c, p.URL(), "created")
}

type showView struct {
	web.Page
	*Overview
	Message string
	Today   time.Time
	// Errors are a refused form's messages, by field.
	Errors map[string]string
}

// show is a project's page.
func (m *Module) show(c *fiber.Ctx) error {
	o, err := m.Overview(c.UserContext(), screen.ParamID(c, "id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, fiber.StatusOK, "show.html", showView{Page: m.Page(c), Overview: o, Message: m.message(c), Today: m.today()})
}

func (m *Module) editForm(c *fiber.Ctx) error {
	p, err := m.Editable(c.UserContext(), screen.ParamID(c, "id"))
	if err != nil {
		return err
	}
	return m.renderForm(c, fiber.StatusOK, formView{Project: p, Action: p.URL() + "/edit"}, nil)
}

func (m *Module) save(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	in, errs := projectForm(c)
	err := m.Save(c.UserContext(), id, in, errs)
	if fe, ok := form.FieldsOf(err); ok {
		in.ID = id
		return m.renderForm(c, fiber.StatusUnprocessableEntity, formView{Project: in, Action: Path(id) + "/edit", Grant: c.FormValue("grant")}, fe)
	}
	if err != nil {
		return err
	}
	return back(c, Path(id), "saved")
}

// formID is a form field's id (0 when absent or wrong).
func formID(c *fiber.Ctx, name string) int64 {
	n, _ := strconv.ParseInt(c.FormValue(name), 10, 64)
	return n
}
