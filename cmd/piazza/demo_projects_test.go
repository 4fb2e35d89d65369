package main

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
)

// TestDemoProject: the demo seeds a running project born from the
// proposal with a work group (its community), managed by its proposer and
// the demo admin, with its relevant respondents, three work packages,
// eight tasks with dependencies (some late, assigned) and three
// milestones, all within its dates.
func TestDemoProject(t *testing.T) {
	ctx, e, demo := demoEnv(t)
	var got struct {
		Status                                                        string
		Born, AdminManages                                            bool
		People, WPs, Tasks, Deps, Late, Milestones, Outside, Assigned int
	}
	err := db.InTenant(ctx, e.db, demo.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT p.status, p.community_id = q.work_group_id AND p.origin_kind = 'proposal',
			EXISTS (SELECT 1 FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = p.id AND m.role = 'manager' AND u.email = 'admin@demo.example.org'),
			(SELECT count(*) FROM project_members WHERE project_id = p.id), (SELECT count(*) FROM project_work_packages WHERE project_id = p.id),
			(SELECT count(*) FROM project_tasks WHERE project_id = p.id), (SELECT count(*) FROM project_task_dependencies WHERE project_id = p.id),
			(SELECT count(*) FROM project_tasks WHERE project_id = p.id AND status <> 'done' AND ends_on < current_date),
			(SELECT count(*) FROM project_milestones WHERE project_id = p.id),
			(SELECT count(*) FROM project_tasks t JOIN project_work_packages w ON w.id = t.work_package_id
				WHERE t.project_id = p.id AND (t.starts_on < w.starts_on OR t.ends_on > w.ends_on OR w.starts_on < p.starts_on OR w.ends_on > p.ends_on)),
			(SELECT count(DISTINCT task_id) FROM project_task_assignees a JOIN project_tasks t ON t.id = a.task_id WHERE t.project_id = p.id)
			FROM projects p JOIN proposals q ON q.id = p.origin_id`).Scan(&got.Status, &got.Born, &got.AdminManages, &got.People, &got.WPs,
			&got.Tasks, &got.Deps, &got.Late, &got.Milestones, &got.Outside, &got.Assigned)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "running" || !got.Born || !got.AdminManages || got.People < 3 || got.WPs != 3 || got.Tasks != 8 || got.Deps != 7 ||
		got.Late < 2 || got.Milestones != 3 || got.Outside != 0 || got.Assigned != 8 {
		t.Errorf("the demo project: %+v", got)
	}
}

// TestDemoBudget: the demo project has a budget line per partner and
// category with expenses (one line over its plan), each line's actual
// equal to the sum of its expenses, every expense in the budget's history,
// and two reports of its first partner: one approved, one submitted and
// waiting for a manager.
func TestDemoBudget(t *testing.T) {
	ctx, e, demo := demoEnv(t)
	var got struct{ Lines, Expenses, Wrong, Over, Unrecorded, Approved, Submitted int }
	err := db.InTenant(ctx, e.db, demo.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM project_budget_lines), (SELECT count(*) FROM project_expenses),
			(SELECT count(*) FROM project_budget_lines l WHERE actual_cents <> coalesce((SELECT sum(amount_cents) FROM project_expenses WHERE line_id = l.id), 0)),
			(SELECT count(*) FROM project_budget_lines WHERE actual_cents > planned_cents),
			(SELECT count(*) FROM project_expenses x WHERE NOT EXISTS (SELECT 1 FROM project_budget_history h WHERE h.expense_id = x.id)),
			(SELECT count(*) FROM project_reports WHERE state = 'approved'), (SELECT count(*) FROM project_reports WHERE state = 'submitted')`).
			Scan(&got.Lines, &got.Expenses, &got.Wrong, &got.Over, &got.Unrecorded, &got.Approved, &got.Submitted)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Lines < 8 || got.Expenses != len(demoExpenses) || got.Wrong != 0 || got.Over < 1 || got.Unrecorded != 0 || got.Approved != 1 || got.Submitted != 1 {
		t.Errorf("the demo budget: %+v", got)
	}
}
