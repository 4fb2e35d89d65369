package project

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/lineage"
)

// What the project's pages read, each in one transaction.

// Overview is a project's page: the project, its people and partners,
// its plan, what is late and due, and what the viewer may do.
type Overview struct {
	Project  *Project
	Members  []Member
	Partners []Partner
	Plan     *Plan
	Status   Status
	// Origin is the item the project was born from, as the viewer sees it.
	Origin *lineage.Link
	// Late are the tasks late today; Due the milestones due in the next
	// thirty days (not reached).
	Late []Task
	Due  []Milestone
	// Burn is the budget at a glance; LateReports the reports not
	// submitted LateAfter days after their period.
	Burn        Burn
	LateReports []ProgressReport
	// Candidates (people of its community without a role) and
	// Affiliations (possible partners) are read for who edits it.
	Candidates   []Candidate
	Affiliations []Affiliation
	Edit, Plans  bool
}

// Overview reads project id's page for the member of ctx.
func (m *Module) Overview(ctx context.Context, id int64) (*Overview, error) {
	o := &Overview{}
	today := m.today()
	err := m.in(ctx, id, Read, false, func(ctx context.Context, tx bun.Tx, p *Project) error {
		o.Project, o.Edit, o.Plans = p, can(ctx, p, Edit), can(ctx, p, PlanEdit)
		var err error
		if o.Members, err = members(ctx, tx, p.ID); err != nil {
			return err
		}
		if o.Partners, err = partners(ctx, tx, p.ID); err != nil {
			return err
		}
		if o.Plan, err = readPlan(ctx, tx, p.ID); err != nil {
			return err
		}
		o.Status = StatusOf(o.Plan.Tasks, o.Plan.Dependencies, today)
		o.dashboard(today)
		if err := o.money(ctx, tx, today); err != nil {
			return err
		}
		if p.OriginKind != nil {
			if l, ok, err := lineage.Origin(ctx, tx, m.parents, *p.OriginKind, *p.OriginID, uidOf(ctx)); err != nil {
				return err
			} else if ok {
				o.Origin = &l
			}
		}
		if !o.Edit {
			return nil
		}
		if o.Candidates, err = candidates(ctx, tx, p); err != nil {
			return err
		}
		o.Affiliations, err = affiliations(ctx, tx, p)
		return err
	})
	return o, err
}

// dashboard fills the late tasks and the milestones due within thirty
// days of today.
func (o *Overview) dashboard(today time.Time) {
	for i := range o.Plan.Tasks {
		if o.Status.TaskLate(o.Plan.Tasks[i]) {
			o.Late = append(o.Late, o.Plan.Tasks[i])
		}
	}
	soon := today.AddDate(0, 0, 30)
	for _, ms := range o.Plan.Milestones {
		if !ms.Reached && !ms.DueOn.Before(today) && !ms.DueOn.After(soon) {
			o.Due = append(o.Due, ms)
		}
	}
}

// money fills the budget's burn and the late reports.
func (o *Overview) money(ctx context.Context, tx bun.IDB, today time.Time) error {
	ls, err := linesOf(ctx, tx, o.Project.ID)
	if err != nil {
		return err
	}
	o.Burn = burnOf(ls)
	rs, err := reportsOf(ctx, tx, o.Project.ID)
	for _, r := range rs {
		if r.Late(today) {
			o.LateReports = append(o.LateReports, r)
		}
	}
	return err
}

// Timeline is a project's plan with its chart and its people's names.
type Timeline struct {
	Project *Project
	Plan    *Plan
	Chart   Chart
	Status  Status
	Names   map[int64]string
	// After are the titles of each task's predecessors, by task.
	After map[int64][]string
	Plans bool
}

// Timeline reads project id's plan and lays its chart out (without its
// people's names: the page does not show them).
func (m *Module) Timeline(ctx context.Context, id int64) (*Timeline, error) {
	return m.timeline(ctx, id, false)
}

// PlanSheet reads project id's plan with its people's names (for the
// plan's CSV file).
func (m *Module) PlanSheet(ctx context.Context, id int64) (*Timeline, error) {
	return m.timeline(ctx, id, true)
}

// timeline reads project id's plan, lays its chart out and, withNames,
// reads its people's names.
func (m *Module) timeline(ctx context.Context, id int64, withNames bool) (*Timeline, error) {
	tl := &Timeline{}
	today := m.today()
	err := m.in(ctx, id, Read, false, func(ctx context.Context, tx bun.Tx, p *Project) error {
		var err error
		tl.Project, tl.Plans = p, can(ctx, p, PlanEdit)
		if tl.Plan, err = readPlan(ctx, tx, p.ID); err != nil {
			return err
		}
		tl.Status = StatusOf(tl.Plan.Tasks, tl.Plan.Dependencies, today)
		tl.Chart = layout(p, tl.Plan, tl.Status, today)
		tl.After = after(tl.Plan)
		if withNames {
			tl.Names, err = names(ctx, tx, p.ID)
		}
		return err
	})
	return tl, err
}

// names are the names of project id's people, by id.
func names(ctx context.Context, tx bun.IDB, id int64) (map[int64]string, error) {
	ms, err := members(ctx, tx, id)
	out := make(map[int64]string, len(ms))
	for _, x := range ms {
		out[x.UserID] = x.Name
	}
	return out, err
}

// TaskView is a task's page: the task, its plan (for its dependencies'
// names), the project's people, and what the viewer may do.
type TaskView struct {
	Project *Project
	Plan    *Plan
	Task    *Task
	Status  Status
	Members []Member
	Plans   bool
	Reports bool
}

// TaskPage reads task tid of project id (tid 0: a new task's form).
func (m *Module) TaskPage(ctx context.Context, id, tid int64, action string) (*TaskView, error) {
	v := &TaskView{}
	today := m.today()
	err := m.in(ctx, id, action, false, func(ctx context.Context, tx bun.Tx, p *Project) error {
		var err error
		v.Project, v.Plans = p, can(ctx, p, PlanEdit)
		if v.Plan, err = readPlan(ctx, tx, p.ID); err != nil {
			return err
		}
		if tid != 0 {
			if v.Task = v.Plan.Task(tid); v.Task == nil {
				return ErrNotFound
			}
			v.Reports = mayReport(ctx, p, v.Task, uidOf(ctx))
		}
		v.Status = StatusOf(v.Plan.Tasks, v.Plan.Dependencies, today)
		v.Members, err = members(ctx, tx, p.ID)
		return err
	})
	return v, err
}

// Tasks reads a page of project id's tasks after cur (the task table of a
// large plan), with the project's work packages and people.
func (m *Module) Tasks(ctx context.Context, id int64, cur keyset.Cursor) (*TaskTable, error) {
	v := &TaskTable{}
	today := m.today()
	err := m.in(ctx, id, Read, false, func(ctx context.Context, tx bun.Tx, p *Project) error {
		var err error
		v.Project = p
		if v.Tasks, v.Next, err = taskPage(ctx, tx, p.ID, cur, 50); err != nil {
			return err
		}
		if err := tx.NewSelect().Model(&v.WorkPackages).Where("w.project_id = ?", p.ID).OrderExpr("w.starts_on, w.id").Scan(ctx); err != nil {
			return err
		}
		v.Today = today
		v.Names, err = names(ctx, tx, p.ID)
		return err
	})
	return v, err
}

// TaskTable is a page of a project's tasks.
type TaskTable struct {
	Project      *Project
	Tasks        []Task
	Next         string
	WorkPackages []WorkPackage
	Names        map[int64]string
	Today        time.Time
}

// Overdue says whether t is not done and should have ended before the
// table's day (the table does not read dependencies).
func (v *TaskTable) Overdue(t Task) bool { return t.Status != Done && t.EndsOn.Before(v.Today) }

// WorkPackageCode is the code of work package id.
func (v *TaskTable) WorkPackageCode(id int64) string {
	for _, w := range v.WorkPackages {
		if w.ID == id {
			return w.Code
		}
	}
	return ""
}

// Planned reads project id and its plan for who may do action (forms,
// exports).
func (m *Module) Planned(ctx context.Context, id int64, action string) (p *Project, pl *Plan, err error) {
	err = m.in(ctx, id, action, false, func(ctx context.Context, tx bun.Tx, x *Project) error {
		p = x
		pl, err = readPlan(ctx, tx, x.ID)
		return err
	})
	return p, pl, err
}

// after are the titles of each task's predecessors, by task.
func after(pl *Plan) map[int64][]string {
	title := make(map[int64]string, len(pl.Tasks))
	for _, t := range pl.Tasks {
		title[t.ID] = t.Title
	}
	out := map[int64][]string{}
	for _, d := range pl.Dependencies {
		out[d.Successor] = append(out[d.Successor], title[d.Predecessor])
	}
	return out
}
