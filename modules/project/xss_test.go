package project_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// cutTo is s cut to at most n characters.
func cutTo(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// TestStoredXSS: every known payload, stored in each free-text field of a
// project (title, acronym, summary, programme, call), of its work
// packages (code, title, description), tasks (title, description),
// milestones (title, deliverables) and in a partner's name, renders inert
// on the list, the project's page, the timeline (its SVG included), the
// task table, the task pages and forms, search and the inbox; the
// iCalendar file escapes them as text and the CSV file starts no cell
// with a formula.
func TestStoredXSS(t *testing.T) {
	w := moduletest.New(t)
	admin := w.Browser(t, alpha, "admin")
	var pages []string
	for i, p := range webtest.Payloads {
		id := create(t, admin, alpha, fmt.Sprintf("%02d alert %s", i, p), map[string][]string{"acronym": {cutTo(p, 30)}, "summary": {p},
			"programme": {cutTo(p, 200)}, "funding_call": {cutTo(p, 200)}})
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `
				WITH wp AS (INSERT INTO project_work_packages (project_id, code, title, description, starts_on, ends_on)
					VALUES (?0, ?1, ?2, ?2, '2030-01-01', '2030-12-31') RETURNING id),
				t AS (INSERT INTO project_tasks (project_id, work_package_id, title, description, starts_on, ends_on)
					SELECT ?0, wp.id, ?2, ?2, d.s, d.e FROM wp, (VALUES ('2030-01-01'::date, '2030-01-31'::date), ('2030-02-01', '2030-03-31')) AS d (s, e) RETURNING id),
				d AS (INSERT INTO project_task_dependencies (project_id, predecessor_id, successor_id) SELECT ?0, min(id), max(id) FROM t),
				m AS (INSERT INTO project_milestones (project_id, work_package_id, title, deliverables, due_on) SELECT ?0, wp.id, ?2, ?2, '2030-06-30' FROM wp),
				o AS (INSERT INTO organizations (name) VALUES (?3) RETURNING id)
				INSERT INTO project_partners (project_id, organization_id, referent_id) SELECT ?0, o.id, ?4 FROM o`,
				id, cutTo(p, 20), p, cutTo(fmt.Sprintf("%02d %s", i, p), 200), w.ID("alpha", "admin"))
			return err
		})
		task := query[string](t, w, w.A, "SELECT min(id)::text FROM project_tasks WHERE project_id = ?", id)
		pp := "/projects/" + id
		pages = append(pages, pp, pp+"/gantt", pp+"/tasks", pp+"/tasks/"+task, pp+"/tasks/"+task+"/edit", pp+"/edit",
			pp+"/work-packages/"+query[string](t, w, w.A, "SELECT min(id)::text FROM project_work_packages WHERE project_id = ?", id)+"/edit",
			pp+"/milestones/"+query[string](t, w, w.A, "SELECT min(id)::text FROM project_milestones WHERE project_id = ?", id)+"/edit")
	}
	exec(t, w, `INSERT INTO project_task_assignees (task_id, user_id) SELECT id, ? FROM project_tasks WHERE ends_on < '2030-02-01'`, w.ID("alpha", "admin"))
	exec(t, w, `UPDATE project_tasks SET starts_on = starts_on - interval '10 years', ends_on = ends_on - interval '10 years'
		WHERE ends_on < '2030-02-01'`) // late, for the inbox
	exec(t, w, `UPDATE project_work_packages SET starts_on = '2020-01-01'; UPDATE projects SET starts_on = '2020-01-01'`)
	pages = append(pages, "/projects", "/search?q=alert", "/search?q=script", "/dashboard/inbox")
	for _, p := range pages {
		code, page := admin.Get(alpha + p)
		if code != 200 {
			t.Errorf("%s: %d", p, code)
		}
		if bad := webtest.Inert(page); bad != "" {
			i := strings.Index(page, "alert(1)")
			t.Errorf("%s: %s (near %q)", p, bad, page[max(0, i-120):min(len(page), i+40)])
		}
	}
	if _, page := admin.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, "Tua attività in ritardo") {
		t.Error("the inbox lists no late task (the payloads went unchecked there)")
	}
	if _, page := admin.Get(alpha + "/search?q=alert"); !strings.Contains(page, `href="/projects/`) {
		t.Error("search finds no project (the payloads went unchecked there)")
	}
	for i := range webtest.Payloads {
		id := fmt.Sprint(i + 1)
		checkICS(t, admin, id)
		checkCSV(t, admin, id)
	}
}

// checkICS: the calendar's lines are CRLF-ended, at most 75 octets, each
// a property or a folded continuation, and the text escaped.
func checkICS(t *testing.T, b *moduletest.Browser, id string) {
	t.Helper()
	res, body := b.Get(alpha + "/projects/" + id + "/milestones.ics")
	if res != 200 || !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
		t.Fatalf("calendar %s: %d", id, res)
	}
	lines := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
	for _, l := range lines {
		if len(l) > 75 || strings.ContainsAny(l, "\r\n\x02\x03") {
			t.Errorf("calendar %s: a line of %d octets or with a control character: %q", id, len(l), l)
		}
		if l != "" && l[0] != ' ' && !strings.Contains(l, ":") {
			t.Errorf("calendar %s: a line that is neither a property nor a fold: %q", id, l)
		}
	}
	unfolded := strings.ReplaceAll(body, "\r\n ", "")
	if !strings.Contains(unfolded, `\,`) && !strings.Contains(unfolded, `\;`) && strings.Contains(unfolded, "SUMMARY:") {
		for _, l := range strings.Split(unfolded, "\r\n") {
			if strings.HasPrefix(l, "SUMMARY:") && strings.ContainsAny(l[len("SUMMARY:"):], ",;") {
				t.Errorf("calendar %s: unescaped text %q", id, l)
			}
		}
	}
}

// checkCSV: the plan's CSV parses, and no cell starts with a formula.
func checkCSV(t *testing.T, b *moduletest.Browser, id string) {
	t.Helper()
	_, body := b.Get(alpha + "/projects/" + id + "/plan.csv")
	rows, err := csv.NewReader(bytes.NewReader([]byte(strings.TrimPrefix(body, "\ufeff")))).ReadAll()
	if err != nil || len(rows) < 5 {
		t.Fatalf("plan %s: %d rows, %v", id, len(rows), err)
	}
	for _, r := range rows {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("plan %s: a cell starts with a formula: %q", id, c)
			}
		}
	}
}
