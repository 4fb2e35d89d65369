package project

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

// The forms of work packages and milestones (for who changes the plan).

type planForm struct {
	web.Page
	Project   *Project
	Plan      *Plan
	WP        *WorkPackage
	Milestone *Milestone
	Action    string
	Errors    map[string]string
}

// renderPlanForm draws page name for project id with v's item, refusals
// errs (status 422 when there are some).
func (m *Module) renderPlanForm(c *fiber.Ctx, name string, v planForm, errs form.Errors) error {
	p, pl, err := m.Planned(c.UserContext(), screen.ParamID(c, "id"), PlanEdit)
	if err != nil {
		return err
	}
	v.Page, v.Project, v.Plan = m.Page(c), p, pl
	status := fiber.StatusOK
	if len(errs) > 0 {
		v.Errors, status = errs.Translate(v.L.T), fiber.StatusUnprocessableEntity
	}
	return m.Render(c, status, name, v)
}

// itemAction is the form's address for item id (0: a new one) of kind
// ("work-packages", "milestones", "tasks") in project pid.
func itemAction(pid int64, kind string, id int64) string {
	if id == 0 {
		return Path(pid) + "/" + kind
	}
	return Path(pid) + "/" + kind + "/" + strconv.FormatInt(id, 10) + "/edit"
}

// itemID is the id of the item the path names by parameter name: 0 on a
// path without it (a new item's form), ErrNotFound for one that is not
// an id.
func itemID(c *fiber.Ctx, name string) (int64, error) {
	if c.Params(name) == "" {
		return 0, nil
	}
	if id := screen.ParamID(c, name); id > 0 {
		return id, nil
	}
	return 0, ErrNotFound
}

func (m *Module) workPackageForm(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	wid, err := itemID(c, "wid")
	if err != nil {
		return err
	}
	v := planForm{WP: &WorkPackage{}, Action: itemAction(id, "work-packages", wid)}
	if wid != 0 {
		_, pl, err := m.Planned(c.UserContext(), id, PlanEdit)
		if err != nil {
			return err
		}
		if v.WP = pl.WorkPackage(wid); v.WP == nil {
			return ErrNotFound
		}
	}
	return m.renderPlanForm(c, "wp_form.html", v, nil)
}

func (m *Module) workPackageSave(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	w, errs := workPackageForm(c)
	var err error
	if w.ID, err = itemID(c, "wid"); err != nil {
		return err
	}
	err = m.SaveWorkPackage(c.UserContext(), id, w, errs)
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderPlanForm(c, "wp_form.html", planForm{WP: w, Action: itemAction(id, "work-packages", w.ID)}, fe)
	}
	if err != nil {
		return err
	}
	return back(c, Path(id), "wp")
}

func (m *Module) workPackageDelete(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	if err := m.DeleteWorkPackage(c.UserContext(), id, screen.ParamID(c, "wid")); err != nil {
		return err
	}
	return back(c, Path(id), "wp_deleted")
}

func (m *Module) milestoneForm(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	mid, err := itemID(c, "mid")
	if err != nil {
		return err
	}
	v := planForm{Milestone: &Milestone{}, Action: itemAction(id, "milestones", mid)}
	if mid != 0 {
		_, pl, err := m.Planned(c.UserContext(), id, PlanEdit)
		if err != nil {
			return err
		}
		v.Milestone = nil
		for i := range pl.Milestones {
			if pl.Milestones[i].ID == mid {
				v.Milestone = &pl.Milestones[i]
			}
		}
		if v.Milestone == nil {
			return ErrNotFound
		}
	}
	return m.renderPlanForm(c, "milestone_form.html", v, nil)
}

func (m *Module) milestoneSave(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	ms, errs := milestoneForm(c)
	var err error
	if ms.ID, err = itemID(c, "mid"); err != nil {
		return err
	}
	err = m.SaveMilestone(c.UserContext(), id, ms, errs)
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderPlanForm(c, "milestone_form.html", planForm{Milestone: ms, Action: itemAction(id, "milestones", ms.ID)}, fe)
	}
	if err != nil {
		return err
	}
	return back(c, Path(id), "milestone")
}

func (m *Module) milestoneDelete(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	if err := m.DeleteMilestone(c.UserContext(), id, screen.ParamID(c, "mid")); err != nil {
		return err
	}
	return back(c, Path(id), "milestone_deleted")
}
