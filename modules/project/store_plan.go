package project

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/keyset"
)

// The SQL of a project's plan. A plan is read with one statement, whatever
// its size: its work packages, tasks, assignees, dependencies and
// milestones as the rows of one result, each kind in its order.

// Plan is a project's plan.
type Plan struct {
	WorkPackages []WorkPackage
	Tasks        []Task
	Dependencies []Dependency
	Milestones   []Milestone
}

// taskFields are a task's own columns.
const taskFields = `t.id, t.project_id, t.work_package_id, t.title, t.description, t.starts_on, t.ends_on, t.status, t.progress`

// taskColumns are a task's columns with its assignees' ids.
const taskColumns = taskFields + `,
	coalesce((SELECT array_agg(a.user_id ORDER BY a.user_id) FROM project_task_assignees AS a WHERE a.task_id = t.id), '{}') AS assignees`

// The kinds of a plan's rows in planQuery, in the order they come.
const (
	planWorkPackage = iota + 1
	planTask
	planAssignee
	planDependency
	planMilestone
)

// planQuery is project $1's plan in one result of rows (kind, id, ref,
// code, title, text, from, to, status, progress, reached): work packages
// (by start) with their code and description; tasks (by start) with their
// work package as ref; assignments as task and user (by task, then
// user); dependencies as predecessor and successor (in that order);
// milestones (by due date) with their work package (0 for none) and
// deliverables. It is sent prepared and scanned by hand: one round trip
// instead of one per kind, and no reflection (bun's took most of the
// page's reading time at 400 tasks). The assignments are joined to the
// project's tasks by hash, whatever the estimates: a subquery per task
// may be planned as a scan of every assignment per task.
const planQuery = `SELECT 1 AS k, w.id, 0::bigint AS ref, w.code, w.title, w.description AS text,
		w.starts_on AS from_on, w.ends_on AS to_on, ''::text AS status, 0::smallint AS progress, false AS reached
	FROM project_work_packages AS w WHERE w.project_id = $1
UNION ALL
SELECT 2, t.id, t.work_package_id, '', t.title, t.description, t.starts_on, t.ends_on, t.status, t.progress, false
	FROM project_tasks AS t WHERE t.project_id = $1
UNION ALL
SELECT 3, a.task_id, a.user_id, '', '', '', NULL, NULL, '', 0, false
	FROM project_task_assignees AS a JOIN project_tasks AS t ON t.id = a.task_id WHERE t.project_id = $1
UNION ALL
SELECT 4, d.predecessor_id, d.successor_id, '', '', '', NULL, NULL, '', 0, false
	FROM project_task_dependencies AS d WHERE d.project_id = $1
UNION ALL
SELECT 5, ms.id, coalesce(ms.work_package_id, 0), '', ms.title, ms.deliverables, ms.due_on, ms.due_on, '', 0, ms.reached
	FROM project_milestones AS ms WHERE ms.project_id = $1
ORDER BY k, from_on, id, ref`

// planRow is a row of planQuery.
type planRow struct {
	kind, progress            int
	id, ref                   int64
	code, title, text, status string
	from, to                  sql.NullTime
	reached                   bool
}

// readPlan reads project id's plan, each kind in order of dates.
func readPlan(ctx context.Context, tx bun.IDB, id int64) (*Plan, error) {
	pl := &Plan{}
	at := map[int64]int{} // a task's index, by id
	var r planRow
	err := eachRow(ctx, tx, planQuery, id, func(rows *sql.Rows) error {
		if err := rows.Scan(&r.kind, &r.id, &r.ref, &r.code, &r.title, &r.text, &r.from, &r.to, &r.status, &r.progress, &r.reached); err != nil {
			return err
		}
		switch r.kind {
		case planWorkPackage:
			pl.WorkPackages = append(pl.WorkPackages, WorkPackage{ID: r.id, ProjectID: id, Code: r.code, Title: r.title,
				Description: r.text, StartsOn: r.from.Time, EndsOn: r.to.Time})
		case planTask:
			at[r.id] = len(pl.Tasks)
			pl.Tasks = append(pl.Tasks, Task{ID: r.id, ProjectID: id, WorkPackageID: r.ref, Title: r.title, Description: r.text,
				StartsOn: r.from.Time, EndsOn: r.to.Time, Status: r.status, Progress: r.progress, Assignees: []int64{}})
		case planAssignee:
			if i, ok := at[r.id]; ok {
				pl.Tasks[i].Assignees = append(pl.Tasks[i].Assignees, r.ref)
			}
		case planDependency:
			pl.Dependencies = append(pl.Dependencies, Dependency{ProjectID: id, Predecessor: r.id, Successor: r.ref})
		case planMilestone:
			m := Milestone{ID: r.id, ProjectID: id, Title: r.title, DueOn: r.from.Time, Deliverables: r.text, Reached: r.reached}
			if r.ref != 0 {
				wp := r.ref
				m.WorkPackageID = &wp
			}
			pl.Milestones = append(pl.Milestones, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	return pl, nil
}

// eachRow runs the prepared statement query (its one parameter: id) in
// tx and calls each for every row.
func eachRow(ctx context.Context, tx bun.IDB, query string, id int64, each func(*sql.Rows) error) error {
	rows, err := db.Prepared(tx, id).QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// WorkPackage is work package id of the plan (nil for none).
func (pl *Plan) WorkPackage(id int64) *WorkPackage {
	for i := range pl.WorkPackages {
		if pl.WorkPackages[i].ID == id {
			return &pl.WorkPackages[i]
		}
	}
	return nil
}

// Task is task id of the plan (nil for none).
func (pl *Plan) Task(id int64) *Task {
	for i := range pl.Tasks {
		if pl.Tasks[i].ID == id {
			return &pl.Tasks[i]
		}
	}
	return nil
}

// one reads the row of model (a work package, task or milestone) with id
// in project pid; none is ErrNotFound.
func one(ctx context.Context, tx bun.IDB, model any, alias string, pid, id int64, cols ...string) error {
	q := tx.NewSelect().Model(model).Where(alias+".project_id = ? AND "+alias+".id = ?", pid, id)
	for _, c := range cols {
		q = q.ColumnExpr(c)
	}
	err := q.Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// saveTask records t (new when its id is 0) with its assignees.
func saveTask(ctx context.Context, tx bun.IDB, t *Task) error {
	var err error
	if t.ID == 0 {
		_, err = tx.NewInsert().Model(t).Returning("id").Exec(ctx)
	} else {
		_, err = tx.NewUpdate().Model(t).Column("work_package_id", "title", "description", "starts_on", "ends_on", "status", "progress").
			Set("updated_at = now()").WherePK().Exec(ctx)
	}
	if err != nil {
		return fmt.Errorf("save task: %w", err)
	}
	if _, err := tx.NewDelete().Table("project_task_assignees").Where("task_id = ?", t.ID).Exec(ctx); err != nil {
		return err
	}
	if len(t.Assignees) == 0 {
		return nil
	}
	_, err = tx.NewRaw("INSERT INTO project_task_assignees (task_id, user_id) SELECT ?, unnest(?::bigint[])", t.ID, pgdialect.Array(t.Assignees)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("assignees: %w", err)
	}
	return nil
}

// moveTask gives task id new dates.
func moveTask(ctx context.Context, tx bun.IDB, e Effect) error {
	_, err := tx.NewUpdate().Table("project_tasks").Set("starts_on = ?, ends_on = ?, updated_at = now()", e.StartsOn, e.EndsOn).
		Where("id = ?", e.Task.ID).Exec(ctx)
	return err
}

// taskOrder is the task table's order: by start, then id.
var taskOrder = keyset.Order{Key: "t.starts_on", ID: "t.id", Date: true}

// taskListName binds the task table's cursors to its project.
func taskListName(pid int64) string { return fmt.Sprintf("project-tasks-%d", pid) }

// taskPage reads a page of project pid's tasks after cur, each with its
// work package's code, size a page.
func taskPage(ctx context.Context, tx bun.IDB, pid int64, cur keyset.Cursor, size int) ([]Task, string, error) {
	var ts []Task
	q := tx.NewSelect().Model(&ts).ColumnExpr(taskColumns).Where("t.project_id = ?", pid)
	if err := taskOrder.Page(q, cur, size).Scan(ctx); err != nil {
		return nil, "", fmt.Errorf("tasks: %w", err)
	}
	ts, next := keyset.Cut(ts, size, taskListName(pid), func(t *Task) keyset.Cursor { return keyset.Cursor{At: t.StartsOn, ID: t.ID} })
	return ts, next, nil
}
