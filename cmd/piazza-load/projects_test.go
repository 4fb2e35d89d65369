package main

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web/webtest"
	"github.com/piazza-pa/piazza/tenant"
)

// TestSeedProjects: -projects seeds projects of the timeline's and the
// budget's benchmarks, each with its community and people: forty work
// packages, four hundred tasks in sequence within each work package, a
// milestone each, everything within the dates; eight partners with their
// referents, a budget line per partner and category, two thousand
// expenses and progress reports. The "gantt" page kind opens one as its
// manager, whose timeline draws every task; the "budget" page kind opens
// its budget, charts and lines.
func TestSeedProjects(t *testing.T) {
	w := moduletest.New(t)
	f := figures{Users: 15, Organizations: 10, Communities: 2, Joins: 1, Projects: 2, Seed: 1}
	sites, err := seedTenants(context.Background(), w.Reg, f, seedOptions{tenants: 1, prefix: "gantt", password: testPassword, progress: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	tn, err := w.Reg.Get(context.Background(), "gantt-0001")
	if err != nil {
		t.Fatal(err)
	}
	if len(sites[0].Projects) != 2 {
		t.Fatalf("the site lists %d projects", len(sites[0].Projects))
	}
	t.Run("plan", func(t *testing.T) { checkPlan(t, w, tn) })
	t.Run("budget", func(t *testing.T) { checkBudget(t, w, tn) })
	t.Run("reports", func(t *testing.T) { checkReports(t, w, tn) })
	t.Run("gantt page", func(t *testing.T) {
		path, code, page := openAsManager(t, w, sites, "gantt")
		if code != 200 || strings.Count(page, `id="row-task-`) != 400 || strings.Count(page, `id="row-wp-`) != 40 {
			t.Errorf("%s as its manager: %d, %d tasks drawn", path, code, strings.Count(page, `id="row-task-`))
		}
	})
	t.Run("budget page", func(t *testing.T) {
		path, code, page := openAsManager(t, w, sites, "budget")
		if code != 200 || strings.Count(page, `<tr id="line-`) != 48 || strings.Count(page, `<tr id="expense-`) != 20 {
			t.Errorf("%s as its manager: %d, %d lines and %d expenses shown", path, code,
				strings.Count(page, `<tr id="line-`), strings.Count(page, `<tr id="expense-`))
		}
		for _, id := range []string{"chart-partners", "chart-categories", "chart-months", "actual-line", "new-expense"} {
			if !strings.Contains(page, `id="`+id+`"`) {
				t.Errorf("%s as its manager: no #%s", path, id)
			}
		}
	})
	for _, kind := range []string{"gantt", "budget"} {
		if _, err := parsePages(kind, []Site{{Host: "x"}}); err == nil {
			t.Errorf("the %s page kind accepted a site without projects", kind)
		}
	}
}

// countsAre checks that each query counts what it should in tenant tn.
func countsAre(t *testing.T, w *moduletest.World, tn *tenant.Tenant, counts map[string]int) {
	t.Helper()
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		for q, want := range counts {
			var n int
			if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return err
			}
			if n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
		return nil
	})
}

// checkPlan checks the two projects' plans.
func checkPlan(t *testing.T, w *moduletest.World, tn *tenant.Tenant) {
	countsAre(t, w, tn, map[string]int{
		"SELECT count(*) FROM projects":                               2,
		"SELECT count(*) FROM project_work_packages":                  80,
		"SELECT count(*) FROM project_tasks":                          800,
		"SELECT count(*) FROM project_task_dependencies":              720,
		"SELECT count(*) FROM project_task_assignees":                 800,
		"SELECT count(*) FROM project_milestones":                     80,
		"SELECT count(*) FROM project_members WHERE role = 'manager'": 2,
		`SELECT count(*) FROM project_tasks t JOIN project_work_packages wp ON wp.id = t.work_package_id JOIN projects p ON p.id = t.project_id
			WHERE t.starts_on < wp.starts_on OR t.ends_on > wp.ends_on OR wp.starts_on < p.starts_on OR wp.ends_on > p.ends_on`: 0,
		`SELECT count(*) FROM project_task_dependencies d JOIN project_tasks a ON a.id = d.predecessor_id JOIN project_tasks b ON b.id = d.successor_id
			WHERE b.starts_on <= a.ends_on`: 0,
	})
}

// checkBudget checks the two projects' budgets: eight partners each,
// whose referents work for them and are the project's referents; a line
// per partner and category; 2,000 expenses each, within the months run so
// far, with credit notes, but no line's actual below zero at any date and
// each line's actual the sum of its expenses; some lines over their plan;
// every line and expense in the history, with its amount.
func checkBudget(t *testing.T, w *moduletest.World, tn *tenant.Tenant) {
	countsAre(t, w, tn, map[string]int{
		"SELECT count(*) FROM project_partners":     16,
		"SELECT count(*) FROM project_budget_lines": 96,
		`SELECT count(*) FROM project_partners pp WHERE NOT EXISTS (SELECT 1 FROM organization_members om
			WHERE om.organization_id = pp.organization_id AND om.user_id = pp.referent_id AND om.state = 'active')
			OR NOT EXISTS (SELECT 1 FROM project_members pm WHERE pm.project_id = pp.project_id AND pm.user_id = pp.referent_id AND pm.role = 'referent')`: 0,
		"SELECT count(*) FROM projects p WHERE (SELECT count(*) FROM project_expenses e WHERE e.project_id = p.id) <> 2000": 0,
		`SELECT count(*) FROM project_expenses e JOIN projects p ON p.id = e.project_id
			WHERE e.spent_on < p.starts_on OR e.spent_on >= current_date`: 0,
		`SELECT count(*) FROM project_budget_lines l
			WHERE actual_cents <> coalesce((SELECT sum(amount_cents) FROM project_expenses e WHERE e.line_id = l.id), 0)`: 0,
		`SELECT count(*) FROM (SELECT sum(amount_cents) OVER (PARTITION BY line_id ORDER BY spent_on, id) AS actual
			FROM project_expenses) r WHERE actual < 0`: 0,
		`SELECT count(*) FROM project_expenses e WHERE (SELECT count(*) FROM project_budget_history h WHERE h.expense_id = e.id
			AND h.line_id = e.line_id AND h.action = 'expense_recorded' AND h.after_cents = e.amount_cents AND h.what = e.description
			AND h.actor_id = e.created_by) <> 1`: 0,
		"SELECT count(*) FROM project_budget_history WHERE action = 'expense_recorded'": 4000,
		`SELECT count(*) FROM project_budget_lines l WHERE (SELECT count(*) FROM project_budget_history h WHERE h.line_id = l.id
			AND h.action = 'line_created' AND h.after_cents = l.planned_cents) <> 1`: 0,
	})
	w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
		var corrections, over, months, words int
		err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM project_expenses WHERE amount_cents < 0),
			(SELECT count(*) FROM project_budget_lines WHERE actual_cents > planned_cents),
			(SELECT min(n) FROM (SELECT count(DISTINCT date_trunc('month', spent_on)) AS n FROM project_expenses GROUP BY project_id) m),
			(SELECT count(*) FROM project_expenses WHERE description ~ '^(Stipendio|Fornitura|Trasferta|Incarico esterno|Costi indiretti)')`).
			Scan(&corrections, &over, &months, &words)
		if corrections < 10 || corrections > 200 || over == 0 || months < 23 || words < 1000 {
			t.Errorf("%d credit notes (want a few), %d lines over their plan (want some), %d months with expenses (want each run so far), "+
				"%d described as salaries, supplies, trips, services or indirect costs", corrections, over, months, words)
		}
		return err
	})
}

// checkReports checks the partners' progress reports: approved, submitted
// and drafts, each in the state its last workflow step led to.
func checkReports(t *testing.T, w *moduletest.World, tn *tenant.Tenant) {
	countsAre(t, w, tn, map[string]int{
		"SELECT count(DISTINCT state) FROM project_reports WHERE state IN ('approved', 'submitted', 'draft')":                    3,
		"SELECT count(*) FROM project_partners pp WHERE NOT EXISTS (SELECT 1 FROM project_reports r WHERE r.partner_id = pp.id)": 0,
		`SELECT count(*) FROM project_reports r WHERE r.state IS DISTINCT FROM (SELECT to_state FROM workflow_history h
			WHERE h.content_type = 'project_report' AND h.item_id = r.id ORDER BY h.at DESC, h.id DESC LIMIT 1)`: 0,
		`SELECT count(*) FROM project_reports r JOIN projects p ON p.id = r.project_id
			WHERE r.period_start < p.starts_on OR r.period_end >= current_date`: 0,
	})
}

// openAsManager opens the page of kind for the member the kind asks it
// as (a project's manager): its path, status and body.
func openAsManager(t *testing.T, w *moduletest.World, sites []Site, kind string) (string, int, string) {
	t.Helper()
	pages, err := parsePages(kind, sites)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	m := pages[0].as(rng, &sites[0])
	path := pages[0].path(rng, &sites[0], m)
	b := webtest.NewBrowser(t, w.Addr)
	u, _ := url.Parse("http://" + sites[0].Host)
	b.Client.Jar.SetCookies(u, []*http.Cookie{{Name: session.CookieName, Value: m.Cookie}})
	code, page := b.Get(u.String() + path)
	return path, code, page
}
