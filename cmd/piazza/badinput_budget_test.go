package main

import (
	"fmt"
	"net/url"
	"strconv"
)

// budgetData are the demo project's budget rows that the routes take: a
// line and an expense to change, a line and an expense for the probes to
// remove, a report waiting for the manager's decision, and a draft of a
// partner whose referent is the demo admin (added for the probes).
type budgetData struct{ line, lineToDelete, expense, expenseToDelete, submitted, draft, partner int64 }

func (s *site) budgetRows(p demoProject) budgetData {
	s.t.Helper()
	id := func(q string, args ...any) int64 {
		n, err := strconv.ParseInt(s.one(q, args...), 10, 64)
		if err != nil {
			s.t.Fatal(err)
		}
		return n
	}
	var b budgetData
	b.line = id(`SELECT min(id)::text FROM t_demo.project_budget_lines WHERE project_id = $1`, p.id)
	b.expense = id(`SELECT min(id)::text FROM t_demo.project_expenses WHERE project_id = $1`, p.id)
	b.submitted = id(`SELECT min(id)::text FROM t_demo.project_reports WHERE project_id = $1 AND state = 'submitted'`, p.id)
	b.lineToDelete = id(`INSERT INTO t_demo.project_budget_lines (project_id, partner_id, category, planned_cents) VALUES ($1, $2, 'other', 100000) RETURNING id::text`, p.id, p.partner)
	b.expenseToDelete = id(`WITH e AS (INSERT INTO t_demo.project_expenses (project_id, line_id, spent_on, amount_cents, description)
		VALUES ($1, $2, $3::date, 500, 'Da togliere') RETURNING line_id, amount_cents)
		UPDATE t_demo.project_budget_lines l SET actual_cents = l.actual_cents + e.amount_cents FROM e WHERE l.id = e.line_id RETURNING (SELECT max(id) FROM t_demo.project_expenses)::text`, p.id, b.line, p.starts)
	b.partner = id(`INSERT INTO t_demo.project_partners (project_id, organization_id, referent_id)
		SELECT $1, o.id, (SELECT id FROM t_demo.users WHERE email = $2) FROM t_demo.organizations o
		WHERE o.id NOT IN (SELECT organization_id FROM t_demo.project_partners WHERE project_id = $1) ORDER BY o.id LIMIT 1 RETURNING id::text`, p.id, demoAdmin)
	b.draft = id(`INSERT INTO t_demo.project_reports (project_id, partner_id, period_start, period_end, body, author_id)
		SELECT $1, $2, $3::date, $3::date + 90, '<p>Bozza</p>', referent_id FROM t_demo.project_partners WHERE id = $2 RETURNING id::text`, p.id, b.partner, p.starts)
	return b
}

// budgetRoutes are the entries of the budget's and the reports' routes.
func budgetRoutes(s *site, who func(*site) *visitor, p demoProject) map[string]route {
	b := s.budgetRows(p)
	id := func(f string, v ...any) string { return fmt.Sprintf("/projects/%d"+f, append([]any{p.id}, v...)...) }
	values := func(v url.Values) func(int) url.Values {
		return func(int) url.Values { return url.Values(cloneValues(v)) }
	}
	line := values(url.Values{"partner_id": {fmt.Sprint(p.partner)}, "category": {"subcontracting"}, "planned": {"1000"}})
	lineText, note := []string{"category", "planned", "note"}, map[string]int{"note": 1000}
	expense := values(url.Values{"line_id": {fmt.Sprint(b.line)}, "spent_on": {p.starts}, "kind": {"expense"}, "amount": {"12,50"}, "description": {"Spesa di prova"}})
	expenseText, description := []string{"spent_on", "kind", "amount", "description"}, map[string]int{"description": 1000}
	period := func(n int) url.Values {
		return url.Values{"partner_id": {fmt.Sprint(b.partner)}, "period_start": {s.one(`SELECT ($1::date + $2::int)::text`, p.starts, n)},
			"period_end": {s.one(`SELECT ($1::date + $2::int + 30)::text`, p.starts, n)}}
	}
	return map[string]route{
		"tenant GET /projects/:id<int>/budget":                            {path: id("/budget"), who: who, text: []string{"done"}},
		"tenant GET /projects/:id<int>/budget/history":                    {path: id("/budget/history"), who: who},
		"tenant GET /projects/:id<int>/budget.csv":                        {path: id("/budget.csv"), who: who},
		"tenant GET /projects/:id<int>/expenses.csv":                      {path: id("/expenses.csv"), who: who},
		"tenant GET /projects/:id<int>/budget/lines/new":                  {path: id("/budget/lines/new"), who: who},
		"tenant POST /projects/:id<int>/budget/lines":                     {path: id("/budget/lines"), who: who, form: line, text: lineText, long: note, ids: []string{"partner_id"}},
		"tenant GET /projects/:id<int>/budget/lines/:lid<int>/edit":       {path: id("/budget/lines/%d/edit", b.line), who: who},
		"tenant POST /projects/:id<int>/budget/lines/:lid<int>/edit":      {path: id("/budget/lines/%d/edit", b.line), who: who, form: values(url.Values{"planned": {"60000"}}), text: lineText, long: note},
		"tenant POST /projects/:id<int>/budget/lines/:lid<int>/delete":    {path: id("/budget/lines/%d/delete", b.lineToDelete), who: who},
		"tenant GET /projects/:id<int>/budget/expenses/new":               {path: id("/budget/expenses/new"), who: who, ids: []string{"line"}},
		"tenant POST /projects/:id<int>/budget/expenses":                  {path: id("/budget/expenses"), who: who, form: expense, text: expenseText, long: description, ids: []string{"line_id"}},
		"tenant GET /projects/:id<int>/budget/expenses/:eid<int>":         {path: id("/budget/expenses/%d", b.expense), who: who},
		"tenant POST /projects/:id<int>/budget/expenses/:eid<int>":        {path: id("/budget/expenses/%d", b.expense), who: who, form: expense, text: expenseText, long: description},
		"tenant POST /projects/:id<int>/budget/expenses/:eid<int>/delete": {path: id("/budget/expenses/%d/delete", b.expenseToDelete), who: who},
		"tenant GET /projects/:id<int>/reports":                           {path: id("/reports"), who: who},
		"tenant POST /projects/:id<int>/reports":                          {path: id("/reports"), who: who, form: period, text: []string{"period_start", "period_end"}, ids: []string{"partner_id"}},
		"tenant GET /projects/:id<int>/reports/:rid<int>":                 {path: id("/reports/%d", b.submitted), who: who},
		"tenant GET /projects/:id<int>/reports/:rid<int>/edit":            {path: id("/reports/%d/edit", b.draft), who: who},
		"tenant POST /projects/:id<int>/reports/:rid<int>/edit":           {path: id("/reports/%d/edit", b.draft), who: who, form: values(url.Values{"body": {"<p>Il periodo</p>"}, "action": {"save"}}), text: []string{"body", "action"}},
		"tenant POST /projects/:id<int>/reports/:rid<int>/do/:action":     {path: id("/reports/%d/do/approve", b.submitted), who: who, form: values(url.Values{"note": {""}}), text: []string{"note"}, long: map[string]int{"note": 1000}},
	}
}

// cloneValues is a copy of v that a request may change.
func cloneValues(v url.Values) map[string][]string {
	out := make(map[string][]string, len(v))
	for k, x := range v {
		out[k] = append([]string(nil), x...)
	}
	return out
}
