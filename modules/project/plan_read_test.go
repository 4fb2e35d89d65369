package project_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/project"
	"github.com/piazza-pa/piazza/platform/auth"
)

// TestPlanRead: a plan read in one statement is the plan its tables hold,
// row by row. The plan's CSV file (every field of every work package,
// task and milestone, a task's assignees and the tasks it starts after)
// is the file written from the plan read table by table through the
// models: two work packages starting on the same day, tasks with none,
// one and two assignees, one starting after two others, two starting on
// the same day, descriptions, a milestone of no work package, a reached
// one with its deliverables and two due on the same day. The timeline
// page shows each of the plan's rows once.
func TestPlanRead(t *testing.T) {
	w := moduletest.New(t)
	admin := w.Browser(t, alpha, "admin")
	id := create(t, admin, alpha, "Piano letto", nil)
	join(t, w, id, "anna", "participant")
	join(t, w, id, "dario", "observer")
	anna, dario := w.ID("alpha", "anna"), w.ID("alpha", "dario")
	exec(t, w, `
		WITH wp AS (INSERT INTO project_work_packages (project_id, code, title, description, starts_on, ends_on) VALUES
			(?0, 'WP2', 'Sviluppo', '', '2030-01-01', '2030-12-31'),
			(?0, 'WP1', 'Analisi', 'Requisiti e "vincoli" <prima>', '2030-01-01', '2030-06-30') RETURNING id, code),
		t AS (INSERT INTO project_tasks (project_id, work_package_id, title, description, starts_on, ends_on, status, progress)
			SELECT ?0, wp.id, x.title, x.description, x.starts_on::date, x.ends_on::date, x.status, x.progress
			FROM (VALUES ('WP1', 'A', 'Prima attività', '2030-01-10', '2030-02-28', 'done', 100),
				('WP1', 'B', '', '2030-03-01', '2030-04-30', 'in_progress', 40),
				('WP2', 'C', 'Dopo A e B', '2030-05-01', '2030-06-30', 'todo', 0),
				('WP2', 'D', '', '2030-01-10', '2030-01-20', 'on_hold', 10)) AS x (wp, title, description, starts_on, ends_on, status, progress)
			JOIN wp ON wp.code = x.wp RETURNING id, title),
		a AS (INSERT INTO project_task_assignees (task_id, user_id)
			SELECT t.id, u.id FROM t, (VALUES (?1::bigint), (?2::bigint)) AS u (id) WHERE t.title = 'A' OR (t.title = 'C' AND u.id = ?2)),
		d AS (INSERT INTO project_task_dependencies (project_id, predecessor_id, successor_id)
			SELECT ?0, p.id, s.id FROM t AS p, t AS s WHERE (p.title, s.title) IN (('A', 'B'), ('A', 'C'), ('B', 'C')))
		INSERT INTO project_milestones (project_id, work_package_id, title, due_on, deliverables, reached)
		SELECT ?0, (SELECT id FROM wp WHERE code = x.wp), x.title, x.due_on::date, x.deliverables, x.reached
		FROM (VALUES ('WP1', 'Requisiti', '2030-06-30', 'Documento dei requisiti', true),
			(NULL, 'Revisione', '2030-06-30', '', false),
			('WP2', 'Rilascio', '2030-12-31', '', false)) AS x (wp, title, due_on, deliverables, reached)`, id, anna, dario)

	// The reference: the plan read table by table through the models.
	want := &project.Plan{}
	names := map[int64]string{}
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(&want.WorkPackages).Where("w.project_id = ?", id).OrderExpr("w.starts_on, w.id").Scan(ctx); err != nil {
			return err
		}
		if err := tx.NewSelect().Model(&want.Tasks).Where("t.project_id = ?", id).OrderExpr("t.starts_on, t.id").Scan(ctx); err != nil {
			return err
		}
		for i := range want.Tasks {
			if err := tx.NewSelect().Table("project_task_assignees").Column("user_id").Where("task_id = ?", want.Tasks[i].ID).
				Order("user_id").Scan(ctx, &want.Tasks[i].Assignees); err != nil {
				return err
			}
		}
		if err := tx.NewSelect().Model(&want.Dependencies).Where("d.project_id = ?", id).Order("d.predecessor_id", "d.successor_id").Scan(ctx); err != nil {
			return err
		}
		if err := tx.NewSelect().Model(&want.Milestones).Where("ms.project_id = ?", id).OrderExpr("ms.due_on, ms.id").Scan(ctx); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT pm.user_id, "+auth.NameSQL("u")+" FROM project_members AS pm JOIN users AS u ON u.id = pm.user_id WHERE pm.project_id = ?", id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var uid int64
			var name string
			if err := rows.Scan(&uid, &name); err != nil {
				return err
			}
			names[uid] = name
		}
		return rows.Err()
	})
	if len(want.WorkPackages) != 2 || len(want.Tasks) != 4 || len(want.Dependencies) != 3 || len(want.Milestones) != 3 {
		t.Fatalf("the plan written: %d work packages, %d tasks, %d dependencies, %d milestones",
			len(want.WorkPackages), len(want.Tasks), len(want.Dependencies), len(want.Milestones))
	}
	l := localizer(t, "it")
	var header []string
	for _, k := range []string{"kind", "work_package", "title", "starts_on", "ends_on", "status", "progress", "assignees", "after", "description"} {
		header = append(header, l.T("project.csv."+k))
	}
	var file bytes.Buffer
	file.WriteString("\ufeff")
	if err := project.PlanCSV(&file, want, header, names, func(k string) string { return l.T(k) }); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"admin", "dario"} {
		code, got := w.Browser(t, alpha, who).Get(alpha + "/projects/" + id + "/plan.csv")
		if code != 200 || got != file.String() {
			t.Errorf("the plan's CSV as %s: %d\n%s\nwant\n%s", who, code, got, file.String())
		}
	}

	// The timeline holds each row once, in the reference's order within
	// each kind.
	_, page := admin.Get(alpha + "/projects/" + id + "/gantt")
	at := -1
	for _, wp := range want.WorkPackages {
		if i := indexOnce(t, page, `id="row-wp-`, wp.ID); i < at {
			t.Errorf("work package %s out of order", wp.Code)
		} else {
			at = i
		}
	}
	for _, x := range want.Tasks {
		indexOnce(t, page, `id="row-task-`, x.ID)
		indexOnce(t, page, `id="table-task-`, x.ID)
	}
	for _, m := range want.Milestones {
		indexOnce(t, page, `id="row-milestone-`, m.ID)
	}
}

// indexOnce is where the element whose id is prefix and id is in page,
// which must hold it once.
func indexOnce(t *testing.T, page, prefix string, id int64) int {
	t.Helper()
	mark := prefix + strconv.FormatInt(id, 10) + `"`
	if n := strings.Count(page, mark); n != 1 {
		t.Errorf("%s…: %d times on the timeline", mark, n)
	}
	return strings.Index(page, mark)
}
