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

// The SQL of a project's plan. A plan is read with one query per kind of
// row (work packages, tasks with their assignees, dependencies,
// milestones), whatever its size.

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

// readPlan reads project id's plan, each kind in order of dates.
func readPlan(ctx context.Context, tx bun.IDB, id int64) (*Plan, error) {
	pl := &Plan{}
	if err := tx.NewSelect().Model(&pl.WorkPackages).Where("w.project_id = ?", id).OrderExpr("w.starts_on, w.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("work packages: %w", err)
	}
	err := eachRow(ctx, tx, tasksQuery, id, func(rows *sql.Rows) error {
		var t Task
		err := rows.Scan(&t.ID, &t.ProjectID, &t.WorkPackageID, &t.Title, &t.Description, &t.StartsOn, &t.EndsOn, &t.Status, &t.Progress)
		pl.Tasks = append(pl.Tasks, t)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	if err := readAssignees(ctx, tx, id, pl.Tasks); err != nil {
		return nil, err
	}
	err = eachRow(ctx, tx, dependenciesQuery, id, func(rows *sql.Rows) error {
		var d Dependency
		err := rows.Scan(&d.ProjectID, &d.Predecessor, &d.Successor)
		pl.Dependencies = append(pl.Dependencies, d)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dependencies: %w", err)
	}
	if err := tx.NewSelect().Model(&pl.Milestones).Where("ms.project_id = ?", id).OrderExpr("ms.due_on, ms.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("milestones: %w", err)
	}
	return pl, nil
}

// readAssignees fills the assignees of project id's tasks ts in one
// query (joined by hash, whatever the estimates: a subquery per task may
// be planned as a scan of every assignment per task).
func readAssignees(ctx context.Context, tx bun.IDB, id int64, ts []Task) error {
	at := make(map[int64]int, len(ts))
	for i := range ts {
		at[ts[i].ID] = i
		ts[i].Assignees = []int64{}
	}
	err := eachRow(ctx, tx, assigneesQuery, id, func(rows *sql.Rows) error {
		var task, user int64
		if err := rows.Scan(&task, &user); err != nil {
			return err
		}
		if i, ok := at[task]; ok {
			ts[i].Assignees = append(ts[i].Assignees, user)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("assignees: %w", err)
	}
	return nil
}

// The statements of a plan's many rows, sent prepared and scanned by
// hand (bun's reflection took most of the page's reading time at 400
// tasks).
const (
	tasksQuery     = `SELECT ` + taskFields + ` FROM project_tasks AS t WHERE t.project_id = $1 ORDER BY t.starts_on, t.id`
	assigneesQuery = `SELECT a.task_id, a.user_id FROM project_task_assignees AS a JOIN project_tasks AS t ON t.id = a.task_id
		WHERE t.project_id = $1 ORDER BY a.task_id, a.user_id`
	dependenciesQuery = `SELECT d.project_id, d.predecessor_id, d.successor_id FROM project_task_dependencies AS d
		WHERE d.project_id = $1 ORDER BY d.predecessor_id, d.successor_id`
)

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
var taskOrder = keyset.Order{Key: "t.starts_on", ID: "t.id"}

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
