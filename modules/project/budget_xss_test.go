package project_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestBudgetStoredXSS: every known payload, as a partner's name (in the
// charts' labels too), a budget line's note, an expense's description, an
// evidence file's name, a report's text and a manager's note, renders
// inert on the budget (its SVG charts included), its history, an
// expense's page, the forms, the reports' pages, the project's dashboard
// and "my activities"; the CSV exports start no cell with a formula.
func TestBudgetStoredXSS(t *testing.T) {
	w := moduletest.New(t)
	id, _ := budgetProject(t, w)
	admin := w.Browser(t, alpha, "admin")
	ended := time.Now().AddDate(0, 0, -30).Format(time.DateOnly)
	p := "/projects/" + id
	pages := []string{p, p + "/budget", p + "/budget/history", p + "/reports", p + "/budget/expenses/new", p + "/budget/lines/new", "/dashboard/inbox"}
	for i, x := range webtest.Payloads {
		lid := query[string](t, w, w.A, `WITH o AS (INSERT INTO organizations (name) VALUES (?1) RETURNING id),
			pp AS (INSERT INTO project_partners (project_id, organization_id, referent_id) SELECT ?0, o.id, ?3 FROM o RETURNING id)
			INSERT INTO project_budget_lines (project_id, partner_id, category, planned_cents, note) SELECT ?0, pp.id, 'travel', ?4, ?2 FROM pp RETURNING id::text`,
			id, cutTo(fmt.Sprintf("%02d %s", i, x), 200), cutTo(x, 1000), w.ID("alpha", "admin"), 100*(i+1))
		code, loc, _ := sendMulti(t, admin, alpha+p+"/budget", p+"/budget/expenses", url.Values{"line_id": {lid}, "spent_on": {"2025-02-01"},
			"kind": {"expense"}, "amount": {fmt.Sprint(i + 2)}, "description": {"x"}}, strings.Trim(cutTo(x, 150), "\x02\x03")+".txt", "text/plain", []byte("ricevuta "+strings.Trim(x, "\x02\x03")))
		if code != 303 {
			t.Fatalf("expense %d: %d", i, code)
		}
		expense, _, _ := strings.Cut(loc, "?")
		exec(t, w, `UPDATE project_expenses SET description = ? WHERE project_id = ? AND line_id = ?`, cutTo(x, 1000), id, lid)
		rid := query[string](t, w, w.A, `INSERT INTO project_reports (project_id, partner_id, period_start, period_end, body, note, state)
			SELECT ?, partner_id, ?::date - 30, ?::date, ?, ?, 'sent_back' FROM project_budget_lines WHERE id = ? RETURNING id::text`, id, ended, ended, x, cutTo(x, 1000), lid)
		exec(t, w, `INSERT INTO workflow_history (content_type, item_id, action, from_state, to_state, note) VALUES ('project_report', ?, 'send_back', 'submitted', 'sent_back', ?)`,
			rid, cutTo(x, 1000))
		pages = append(pages, expense, p+"/budget/lines/"+lid+"/edit", p+"/reports/"+rid, p+"/reports/"+rid+"/edit")
	}
	exec(t, w, `INSERT INTO project_reports (project_id, partner_id, period_start, period_end, body, state)
		SELECT project_id, partner_id, '2025-01-01', '2025-01-31', 'x', 'submitted' FROM project_budget_lines WHERE project_id = ?`, id)
	for _, pg := range pages {
		code, page := admin.Get(alpha + pg)
		if code != 200 {
			t.Errorf("%s: %d", pg, code)
		}
		if bad := webtest.Inert(page); bad != "" {
			i := strings.Index(page, "alert(1)")
			t.Errorf("%s: %s (near %q)", pg, bad, page[max(0, i-120):min(len(page), i+40)])
		}
	}
	if _, page := admin.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, "Rapporto del tuo partner in ritardo") || !strings.Contains(page, "Rapporto in attesa") {
		t.Error("the inbox lists no report (the payloads went unchecked there)")
	}
	if _, page := admin.Get(alpha + p + "/budget"); !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the budget page does not show the payloads as text")
	}
	for _, f := range []string{"/budget.csv", "/expenses.csv"} {
		_, body := admin.Get(alpha + p + f)
		rows, err := csv.NewReader(bytes.NewReader([]byte(strings.TrimPrefix(body, "\ufeff")))).ReadAll()
		if err != nil || len(rows) < len(webtest.Payloads) {
			t.Fatalf("%s: %d rows, %v", f, len(rows), err)
		}
		for _, r := range rows {
			for _, c := range r {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && !amountRE.MatchString(c) {
					t.Errorf("%s: a cell starts with a formula: %q", f, c)
				}
			}
		}
	}
}

// amountRE is an amount the exports write (a negative one starts with a
// minus and is a number, not a formula).
var amountRE = regexp.MustCompile(`^-?\d+,\d\d$`)
