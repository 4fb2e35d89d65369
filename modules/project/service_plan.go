package project

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
)

// The service of a project's plan. Every change holds the project's row
// (Module.in with lock) and reads the plan after taking it, so that two
// changes of one plan run one after the other and each checks what the
// other wrote: two dependencies added at once cannot close a cycle.

// inPlan runs fn on project id and its plan, locked, when the member of
// ctx may change the plan.
func (m *Module) inPlan(ctx context.Context, id int64, fn func(ctx context.Context, tx bun.Tx, p *Project, pl *Plan) error) error {
	return m.in(ctx, id, PlanEdit, true, func(ctx context.Context, tx bun.Tx, p *Project) error {
		pl, err := readPlan(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		return fn(ctx, tx, p, pl)
	})
}

// inside refuses dates start–end outside from–to, on field.
func inside(errs form.Errors, start, end, from, to time.Time, field, key string) {
	if start.Before(from) || end.After(to) {
		errs.Add(field, key)
	}
}

// SaveWorkPackage records w in project id (new when w.ID is 0): within
// the project's dates, and holding its tasks and milestones.
func (m *Module) SaveWorkPackage(ctx context.Context, id int64, w *WorkPackage, errs form.Errors) error {
	return m.inPlan(ctx, id, func(ctx context.Context, tx bun.Tx, p *Project, pl *Plan) error {
		if w.ID != 0 && pl.WorkPackage(w.ID) == nil {
			return ErrNotFound
		}
		if len(errs) == 0 {
			inside(errs, w.StartsOn, w.EndsOn, p.StartsOn, p.EndsOn, "starts_on", "project.error.wp_outside")
			for _, t := range pl.Tasks {
				if t.WorkPackageID == w.ID && w.ID != 0 {
					inside(errs, t.StartsOn, t.EndsOn, w.StartsOn, w.EndsOn, "ends_on", "project.error.tasks_outside")
				}
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		w.ProjectID = p.ID
		var err error
		if w.ID == 0 {
			_, err = tx.NewInsert().Model(w).ExcludeColumn("id").Returning("id").Exec(ctx)
		} else {
			_, err = tx.NewUpdate().Model(w).Column("code", "title", "description", "starts_on", "ends_on").Set("updated_at = now()").WherePK().Exec(ctx)
		}
		if err != nil {
			return fmt.Errorf("save work package: %w", err)
		}
		return touch(ctx, tx, p.ID)
	})
}

// deleteIn deletes row id of table in project id, for who changes its plan.
func (m *Module) deleteIn(ctx context.Context, id int64, table string, row int64) error {
	return m.in(ctx, id, PlanEdit, true, func(ctx context.Context, tx bun.Tx, p *Project) error {
		res, err := tx.NewDelete().TableExpr(table).Where("project_id = ? AND id = ?", p.ID, row).Exec(ctx)
		if err != nil {
			return fmt.Errorf("delete from %s: %w", table, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return touch(ctx, tx, p.ID)
	})
}

// DeleteWorkPackage deletes work package wid of project id, with its
// tasks and milestones.
func (m *Module) DeleteWorkPackage(ctx context.Context, id, wid int64) error {
	return m.deleteIn(ctx, id, "project_work_packages", wid)
}

// DeleteTask deletes task tid of project id.
func (m *Module) DeleteTask(ctx context.Context, id, tid int64) error {
	return m.deleteIn(ctx, id, "project_tasks", tid)
}

// DeleteMilestone deletes milestone mid of project id.
func (m *Module) DeleteMilestone(ctx context.Context, id, mid int64) error {
	return m.deleteIn(ctx, id, "project_milestones", mid)
}

// The answers to a rescheduling that affects other tasks.
const (
	// Move moves the tasks that depend on it, those that fit.
	Move = "move"
	// Keep leaves them where they are (late).
	Keep = "keep"
)

// SaveTask records t in project id (new when t.ID is 0): in a work
// package of the project and within its dates, starting after its
// predecessors end, assigned to the project's people. When new dates
// make tasks that depend on it start before it ends, nothing is written
// unless reschedule says what to do with them (Move or Keep): the effects
// are returned for the member to choose.
func (m *Module) SaveTask(ctx context.Context, id int64, t *Task, errs form.Errors, reschedule string) (effects []Effect, err error) {
	err = m.inPlan(ctx, id, func(ctx context.Context, tx bun.Tx, p *Project, pl *Plan) error {
		if t.ID != 0 && pl.Task(t.ID) == nil {
			return ErrNotFound
		}
		if err := checkTask(ctx, tx, p, pl, t, errs); err != nil {
			return err
		}
		if t.ID != 0 {
			effects = Impact(pl.Tasks, wpEnds(pl), p.EndsOn, pl.Dependencies, *t)
		}
		if len(effects) > 0 && reschedule != Move && reschedule != Keep {
			return nil
		}
		t.ProjectID = p.ID
		if err := saveTask(ctx, tx, t); err != nil {
			return err
		}
		for _, e := range effects {
			if reschedule == Move && e.Fits {
				if err := moveTask(ctx, tx, e); err != nil {
					return err
				}
			}
		}
		return touch(ctx, tx, p.ID)
	})
	return effects, err
}

// wpEnds are the ends of the plan's work packages, by id.
func wpEnds(pl *Plan) map[int64]time.Time {
	out := make(map[int64]time.Time, len(pl.WorkPackages))
	for _, w := range pl.WorkPackages {
		out[w.ID] = w.EndsOn
	}
	return out
}

// checkTask refuses, field by field, a task outside its work package or
// the project, starting before a predecessor ends, or assigned to someone
// who is not one of the project's people (observers aside).
func checkTask(ctx context.Context, tx bun.IDB, p *Project, pl *Plan, t *Task, errs form.Errors) error {
	w := pl.WorkPackage(t.WorkPackageID)
	if w == nil && t.WorkPackageID != 0 {
		errs.Add("work_package_id", "project.error.work_package_id")
	}
	if len(errs) == 0 {
		inside(errs, t.StartsOn, t.EndsOn, p.StartsOn, p.EndsOn, "starts_on", "project.error.task_outside_project")
		inside(errs, t.StartsOn, t.EndsOn, w.StartsOn, w.EndsOn, "starts_on", "project.error.task_outside_wp")
		for _, pid := range NewGraph(pl.Dependencies).Predecessors(t.ID) {
			if pr := pl.Task(pid); pr != nil && !t.StartsOn.After(pr.EndsOn) {
				errs.Add("starts_on", "project.error.before_predecessor")
			}
		}
	}
	if len(t.Assignees) > 0 {
		var ok []int64
		err := tx.NewRaw("SELECT user_id FROM project_members WHERE project_id = ? AND role <> 'observer' AND user_id IN (?)",
			p.ID, bun.In(t.Assignees)).Scan(ctx, &ok)
		if err != nil {
			return err
		}
		if len(ok) != len(t.Assignees) {
			errs.Add("assignees", "project.error.assignees")
		}
	}
	if t.Status == Done {
		t.Progress = 100
	}
	return errs.Err()
}

// Progress sets task tid's status and progress, for who changes the plan
// or an assignee who reports.
func (m *Module) Progress(ctx context.Context, id, tid int64, status string, progress int) error {
	if !slices.Contains(TaskStatuses, status) || progress < 0 || progress > 100 {
		return form.Errors{"progress": "project.error.progress"}.Err()
	}
	if status == Done {
		progress = 100
	}
	return m.in(ctx, id, Read, true, func(ctx context.Context, tx bun.Tx, p *Project) error {
		t := new(Task)
		if err := one(ctx, tx, t, "t", p.ID, tid, taskColumns); err != nil {
			return err
		}
		if !mayReport(ctx, p, t, uidOf(ctx)) {
			return authz.ErrForbidden
		}
		_, err := tx.NewUpdate().Table("project_tasks").Set("status = ?, progress = ?, updated_at = now()", status, progress).
			Where("id = ?", t.ID).Exec(ctx)
		return err
	})
}

// AddDependency makes task succ of project id start after task pred:
// both of the project, pred ending before succ starts, and no cycle
// (pred may not depend, directly or not, on succ) — checked on the plan
// read after the project's row is held.
func (m *Module) AddDependency(ctx context.Context, id, succ, pred int64) error {
	return m.inPlan(ctx, id, func(ctx context.Context, tx bun.Tx, p *Project, pl *Plan) error {
		s, pr := pl.Task(succ), pl.Task(pred)
		if s == nil {
			return ErrNotFound
		}
		errs := form.Errors{}
		switch {
		case pr == nil:
			errs.Add("predecessor_id", "project.error.predecessor_id")
		case NewGraph(pl.Dependencies).Cycle(pred, succ) != nil:
			errs.Add("predecessor_id", "project.error.cycle")
		case !s.StartsOn.After(pr.EndsOn):
			errs.Add("predecessor_id", "project.error.dependency_dates")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(&Dependency{ProjectID: p.ID, Predecessor: pred, Successor: succ}).On("CONFLICT DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("add dependency: %w", err)
		}
		return touch(ctx, tx, p.ID)
	})
}

// RemoveDependency drops "succ starts after pred" from project id.
func (m *Module) RemoveDependency(ctx context.Context, id, succ, pred int64) error {
	return m.in(ctx, id, PlanEdit, true, func(ctx context.Context, tx bun.Tx, p *Project) error {
		res, err := tx.NewDelete().Table("project_task_dependencies").
			Where("project_id = ? AND successor_id = ? AND predecessor_id = ?", p.ID, succ, pred).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return touch(ctx, tx, p.ID)
	})
}

// SaveMilestone records ms in project id (new when its id is 0): within
// the project's dates (and its work package's, when it has one).
func (m *Module) SaveMilestone(ctx context.Context, id int64, ms *Milestone, errs form.Errors) error {
	return m.inPlan(ctx, id, func(ctx context.Context, tx bun.Tx, p *Project, pl *Plan) error {
		if ms.ID != 0 && !slices.ContainsFunc(pl.Milestones, func(x Milestone) bool { return x.ID == ms.ID }) {
			return ErrNotFound
		}
		if ms.WorkPackageID != nil && pl.WorkPackage(*ms.WorkPackageID) == nil {
			errs.Add("work_package_id", "project.error.work_package_id")
		}
		if len(errs) == 0 {
			inside(errs, ms.DueOn, ms.DueOn, p.StartsOn, p.EndsOn, "due_on", "project.error.milestone_outside")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		ms.ProjectID = p.ID
		var err error
		if ms.ID == 0 {
			_, err = tx.NewInsert().Model(ms).ExcludeColumn("id").Returning("id").Exec(ctx)
		} else {
			_, err = tx.NewUpdate().Model(ms).Column("work_package_id", "title", "due_on", "deliverables", "reached").Set("updated_at = now()").WherePK().Exec(ctx)
		}
		if err != nil {
			return fmt.Errorf("save milestone: %w", err)
		}
		return touch(ctx, tx, p.ID)
	})
}
