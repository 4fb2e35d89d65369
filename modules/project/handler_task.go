package project

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

// The pages of tasks: a task's page (its dependencies, its progress), its
// form (with the tasks its new dates would push, to move or leave late),
// and the task table of a large plan.

type taskView struct {
	web.Page
	*TaskView
	// Form is the task the form shows (the posted one when refused).
	Form    *Task
	Action  string
	Errors  map[string]string
	Message string
	// Effects are the tasks a rescheduling pushes (the form asks what
	// to do with them before saving).
	Effects []Effect
	// Successors are the tasks that start after this one.
	Successors []int64
}

// renderTask draws page name for task tid of project id with v's form.
func (m *Module) renderTask(c *fiber.Ctx, status int, name string, v taskView, action string) error {
	id := screen.ParamID(c, "id")
	tid, err := itemID(c, "tid")
	if err != nil || (tid == 0 && name == "task.html") {
		return errOr(err, ErrNotFound)
	}
	tv, err := m.TaskPage(c.UserContext(), id, tid, action)
	if err != nil {
		return err
	}
	v.Page, v.TaskView = m.Page(c), tv
	if v.Form == nil {
		v.Form = &Task{Status: "todo", WorkPackageID: formIDQuery(c, "wp")}
		if tv.Task != nil {
			v.Form = tv.Task
		}
	}
	if tv.Task != nil {
		g := NewGraph(tv.Plan.Dependencies)
		v.Successors = g.succ[tv.Task.ID]
	}
	v.Action = itemAction(id, "tasks", tid)
	return m.Render(c, status, name, v)
}

// formIDQuery is a query parameter's id (0 when absent or wrong).
func formIDQuery(c *fiber.Ctx, name string) int64 {
	n, _ := strconv.ParseInt(c.Query(name), 10, 64)
	return n
}

func (m *Module) taskShow(c *fiber.Ctx) error {
	return m.renderTask(c, fiber.StatusOK, "task.html", taskView{Message: m.message(c)}, Read)
}

func (m *Module) taskForm(c *fiber.Ctx) error {
	return m.renderTask(c, fiber.StatusOK, "task_form.html", taskView{}, PlanEdit)
}

// taskSave records a task; when its new dates push tasks that depend on
// it, it shows them first and saves once told to move them or leave them.
func (m *Module) taskSave(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	t, errs := taskForm(c)
	var err error
	if t.ID, err = itemID(c, "tid"); err != nil {
		return err
	}
	effects, err := m.SaveTask(c.UserContext(), id, t, errs, c.FormValue("reschedule"))
	if fe, ok := form.FieldsOf(err); ok {
		v := taskView{Form: t}
		v.Errors = fe.Translate(m.Shell.I18n.FromContext(c.UserContext()).T)
		return m.renderTask(c, fiber.StatusUnprocessableEntity, "task_form.html", v, PlanEdit)
	}
	if err != nil {
		return err
	}
	r := c.FormValue("reschedule")
	if len(effects) > 0 && r != Move && r != Keep {
		return m.renderTask(c, fiber.StatusOK, "task_form.html", taskView{Form: t, Effects: effects}, PlanEdit)
	}
	done := "task"
	if len(effects) > 0 && r == Move {
		done = "moved"
	}
	return back(c, Path(id)+"/tasks/"+strconv.FormatInt(t.ID, 10), done)
}

// taskProgress sets a task's status and progress.
func (m *Module) taskProgress(c *fiber.Ctx) error {
	id, tid := screen.ParamID(c, "id"), screen.ParamID(c, "tid")
	n, err := strconv.Atoi(c.FormValue("progress"))
	if err != nil {
		n = -1
	}
	if err := m.Progress(c.UserContext(), id, tid, c.FormValue("status"), n); err != nil {
		if fe, ok := form.FieldsOf(err); ok {
			v := taskView{Errors: fe.Translate(m.Shell.I18n.FromContext(c.UserContext()).T)}
			return m.renderTask(c, fiber.StatusUnprocessableEntity, "task.html", v, Read)
		}
		return err
	}
	return back(c, Path(id)+"/tasks/"+strconv.FormatInt(tid, 10), "progress")
}

func (m *Module) taskDelete(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	if err := m.DeleteTask(c.UserContext(), id, screen.ParamID(c, "tid")); err != nil {
		return err
	}
	return back(c, Path(id)+"/gantt", "task_deleted")
}

// dependencyAdd makes the task start after the form's predecessor.
func (m *Module) dependencyAdd(c *fiber.Ctx) error {
	id, tid := screen.ParamID(c, "id"), screen.ParamID(c, "tid")
	err := m.AddDependency(c.UserContext(), id, tid, formID(c, "predecessor_id"))
	if fe, ok := form.FieldsOf(err); ok {
		v := taskView{Errors: fe.Translate(m.Shell.I18n.FromContext(c.UserContext()).T)}
		return m.renderTask(c, fiber.StatusUnprocessableEntity, "task.html", v, Read)
	}
	if err != nil {
		return err
	}
	return back(c, Path(id)+"/tasks/"+strconv.FormatInt(tid, 10), "dependency")
}

func (m *Module) dependencyRemove(c *fiber.Ctx) error {
	id, tid := screen.ParamID(c, "id"), screen.ParamID(c, "tid")
	if err := m.RemoveDependency(c.UserContext(), id, tid, screen.ParamID(c, "pid")); err != nil {
		return err
	}
	return back(c, Path(id)+"/tasks/"+strconv.FormatInt(tid, 10), "dependency_removed")
}

type tableView struct {
	web.Page
	*TaskTable
	Pager keyset.Pager
}

// tasks is the task table of a project, fifty tasks a page in order of
// dates (?after= a cursor of its pages; any other is a 404).
func (m *Module) tasks(c *fiber.Ctx) error {
	id, after := screen.ParamID(c, "id"), c.Query("after")
	cur, err := keyset.Decode(taskListName(id), after)
	if err != nil {
		return err
	}
	tt, err := m.Tasks(c.UserContext(), id, cur)
	if err != nil {
		return err
	}
	v := tableView{Page: m.Page(c), TaskTable: tt}
	v.Pager = keyset.Links(v.L, "project.tasks", Path(id)+"/tasks", nil, after, tt.Next)
	return m.Render(c, fiber.StatusOK, "tasks.html", v)
}
