package project_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// chrome opens a browser signed in as alpha's name, in English, at path
// once what waitFor selects shows.
func chrome(t *testing.T, w *moduletest.World, name, path, waitFor string) context.Context {
	t.Helper()
	ctx := w.Chrome(t, name, path, waitFor)
	moduletest.Do(t, ctx, name+" reads in English", chromedp.Navigate(alpha+"/lang?l=en&return_to="+url.QueryEscape(path)), chromedp.WaitVisible(chromedp.CSS(waitFor)))
	return ctx
}

// shot keeps a picture of the part of the page that the elements from
// and to span, among the artefacts and, when PIAZZA_SCREENSHOTS names a
// folder (an absolute path, e.g. $PWD/docs/screenshots), there too: the
// README's pictures of the timeline and of the budget.
func shot(t *testing.T, ctx context.Context, name, from, to string) {
	t.Helper()
	a, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(from)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(to)))
	if err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.ScreenshotNodes(append(a, b...), 1))
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, name, png)
	if dir := os.Getenv("PIAZZA_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// textOf is the text of what sel selects on the page of ctx.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("the text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// at is the id the address of the page of ctx names after /projects/ (or
// after /tasks/ when task).
func at(t *testing.T, ctx context.Context, task bool) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	m := idRE.FindStringSubmatch(loc)
	if err != nil || m == nil || task && m[2] == "" {
		t.Fatalf("not a project's page: %s %v", loc, err)
	}
	if task {
		return m[2]
	}
	return m[1]
}

// TestProjectInBrowser: the proposer of a proposal whose work group is
// made starts the project from it, plans a work package, two tasks (the
// second after the first) and a milestone, sees them on the timeline
// (and in its table; on a phone the chart scrolls in its box, not the
// page), plans the budget and records expenses (the totals shown); the
// partner's referent, in a browser of his own, writes and submits the
// period's report, which the manager approves and the referent then sees
// approved. Screenshots are kept (testdata/artefacts; the README's with
// PIAZZA_SCREENSHOTS); axe-core finds no serious or critical violation
// on the projects' pages and on the project's document library, in
// Italian and English.
func TestProjectInBrowser(t *testing.T) {
	w := moduletest.New(t)
	pid := proposalWithGroup(t, w)
	day := newCalendar()
	anna := chrome(t, w, "anna", "/proposals/"+pid, "#start-project")
	id := startProject(t, anna, day)
	a, b := planProject(t, anna, id, day)
	checkGantt(t, anna, id, a, b)
	spendBudget(t, anna, id, day)
	bruno := chrome(t, w, "bruno", "/projects/"+id+"/reports", "#reports")
	report := reportPeriod(t, anna, bruno, id, day)
	lateReport(t, anna, id, day)
	p := "/projects/" + id
	moduletest.Accessible(t, anna, "anna", "/projects", p, p+"/gantt", p+"/tasks", p+"/tasks/"+a, p+"/budget", p+"/reports", report)
	moduletest.Accessible(t, bruno, "bruno", report)
	moduletest.Accessible(t, anna, "anna", library(t, w, id)...)
}

// calendar gives the journey's days: month m and day n (from 0) after
// the first day of the month three months before today's.
type calendar func(m, n int) string

func newCalendar() calendar {
	now := time.Now()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -3, 0)
	return func(m, n int) string { return first.AddDate(0, m, n).Format(time.DateOnly) }
}

// startProject starts the project from the proposal's page open in ctx,
// as its proposer: the form comes filled with the proposal; the
// project's id is returned.
func startProject(t *testing.T, ctx context.Context, day calendar) string {
	t.Helper()
	moduletest.Do(t, ctx, "the proposer opens the form from the work group", chromedp.Click(chromedp.ID("start-project")), chromedp.WaitVisible(chromedp.ID("seed")))
	if title, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("title"))); title != "Laboratorio condiviso" {
		t.Errorf("the form's title: %q", title)
	}
	moduletest.Do(t, ctx, "the proposer starts the project",
		chromedp.SendKeys(chromedp.ID("acronym"), "LABCO"), chromedp.SetValue(chromedp.ID("starts_on"), day(0, 0)),
		chromedp.SetValue(chromedp.ID("ends_on"), day(24, -1)), chromedp.SetValue(chromedp.ID("status"), "running"),
		chromedp.Clear(chromedp.ID("grant")), chromedp.SendKeys(chromedp.ID("grant"), "250000"))
	moduletest.Keep(t, ctx, "project-1-started-from-proposal.png")
	moduletest.Do(t, ctx, "the project is created", chromedp.Click(chromedp.ID("save")), chromedp.WaitVisible(chromedp.ID("project-title")))
	if origin, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("origin"))); !strings.Contains(origin, "Laboratorio condiviso") {
		t.Errorf("the project's page does not say where it was born: %q", origin)
	}
	if partners := textOf(t, ctx, "#partners"); !strings.Contains(partners, "Officine Bruno Referent: Bruno") {
		t.Errorf("the respondent's organisation is not a partner with its referent: %q", partners)
	}
	return at(t, ctx, false)
}

// planProject adds, as the manager, a work package, two tasks (the
// second after the first) and a milestone to project id; it returns the
// tasks' ids.
func planProject(t *testing.T, ctx context.Context, id string, day calendar) (string, string) {
	t.Helper()
	moduletest.Do(t, ctx, "the manager adds a work package", chromedp.Click(chromedp.ID("new-wp")), chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), "WP1"), chromedp.SendKeys(chromedp.ID("title"), "Allestimento del laboratorio"),
		chromedp.SetValue(chromedp.ID("starts_on"), day(0, 0)), chromedp.SetValue(chromedp.ID("ends_on"), day(6, -1)),
		chromedp.Click(chromedp.ID("save")), chromedp.WaitVisible(chromedp.CSS(`#work-packages tr[id^="wp-"]`)))
	a := task(t, ctx, id, "Scelta delle attrezzature", day(0, 0), day(1, -1))
	moduletest.Do(t, ctx, "the manager reports the first task done", chromedp.SetValue(chromedp.ID("status"), "done"), chromedp.Clear(chromedp.ID("progress")),
		chromedp.SendKeys(chromedp.ID("progress"), "100"), chromedp.Click(chromedp.ID("save-progress")))
	// The task's page already says it was created: wait for the page the
	// save leads to, loaded (a navigation started while it loads would
	// abort it), asking again while a navigation interrupts the question.
	for {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.search.includes("done=progress") && document.readyState === "complete"`))
		if err == nil && done {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the page after the progress: %v", ctx.Err())
		}
		time.Sleep(50 * time.Millisecond) // between two questions, not a deadline
	}
	moduletest.Do(t, ctx, "the manager sees the progress saved", chromedp.WaitVisible(chromedp.CSS(`.alert-success[role="status"]`)))
	b := task(t, ctx, id, "Installazione e collaudo", day(2, 0), day(5, -1))
	moduletest.Do(t, ctx, "the manager puts the second task after the first", chromedp.SetValue(chromedp.ID("predecessor_id"), a),
		chromedp.Click(chromedp.CSS("#add-dependency button")), chromedp.WaitVisible(chromedp.CSS(`#predecessors a[href$="/tasks/`+a+`"]`)))
	moduletest.Keep(t, ctx, "project-2-task-after-another.png")
	moduletest.Do(t, ctx, "the manager adds a milestone", chromedp.Navigate(alpha+"/projects/"+id), chromedp.Click(chromedp.ID("new-milestone")),
		chromedp.WaitVisible(chromedp.ID("due_on")), chromedp.SendKeys(chromedp.ID("title"), "Laboratorio operativo"),
		chromedp.SetValue(chromedp.ID("due_on"), day(6, -1)))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.getElementById("work_package_id").selectedIndex = 1`)); err != nil {
		t.Fatalf("the milestone's work package: %v", err)
	}
	moduletest.Do(t, ctx, "the manager saves the milestone", chromedp.Click(chromedp.ID("save")), chromedp.WaitVisible(chromedp.CSS(`#milestones a[href*="/milestones/"]`)))
	if m := textOf(t, ctx, "#milestones"); !strings.Contains(m, "Laboratorio operativo") {
		t.Errorf("the milestones: %q", m)
	}
	moduletest.Keep(t, ctx, "project-3-plan.png")
	return a, b
}

// task adds a task of the first work package to project id through its
// form and returns its id.
func task(t *testing.T, ctx context.Context, id, title, from, to string) string {
	t.Helper()
	moduletest.Do(t, ctx, "the manager adds the task "+title, chromedp.Navigate(alpha+"/projects/"+id+"/tasks/new"), chromedp.WaitVisible(chromedp.ID("work_package_id")),
		chromedp.SendKeys(chromedp.ID("title"), title), chromedp.SetValue(chromedp.ID("starts_on"), from), chromedp.SetValue(chromedp.ID("ends_on"), to),
		chromedp.Click(chromedp.ID("save")), chromedp.WaitVisible(chromedp.ID("task-title")))
	if got := textOf(t, ctx, "#task-title"); got != title {
		t.Errorf("the task's page: %q, want %q", got, title)
	}
	return at(t, ctx, true)
}

// checkGantt opens the timeline of project id: a bar for each task, the
// arrow between them, the milestone, the table of the same rows; on a
// phone the chart scrolls sideways in its box and the page does not.
func checkGantt(t *testing.T, ctx context.Context, id, a, b string) {
	t.Helper()
	moduletest.Do(t, ctx, "the manager opens the timeline", chromedp.Navigate(alpha+"/projects/"+id), chromedp.Click(chromedp.ID("tab-gantt")),
		chromedp.WaitVisible(chromedp.ID("gantt")))
	for _, sel := range []string{"#row-task-" + a + " rect", "#row-task-" + b + " rect", "#gantt-arrows path", `#gantt-rows g[id^="row-milestone-"] polygon`,
		"#table-task-" + a, "#table-task-" + b} {
		if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('`+sel+`').length`)); n == 0 {
			t.Errorf("the timeline lacks %s", sel)
		}
	}
	if after := textOf(t, ctx, "#table-task-"+b); !strings.Contains(after, "Scelta delle attrezzature") {
		t.Errorf("the table does not say the second task comes after the first: %q", after)
	}
	moduletest.Keep(t, ctx, "project-4-gantt.png")
	shot(t, ctx, "project-gantt.png", "#gantt-h", "#gantt-table")
	moduletest.Do(t, ctx, "the manager opens the timeline on a phone", chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("gantt")))
	widths, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(() => { const box = document.querySelector(".pz-gantt-scroll");
		return [box.scrollWidth, box.clientWidth, document.documentElement.scrollWidth, window.innerWidth] })()`))
	if err != nil || len(widths) != 4 {
		t.Fatalf("the widths: %v %v", widths, err)
	}
	if widths[0] <= widths[1] || widths[2] > widths[3] {
		t.Errorf("on a phone the chart (%d in a box of %d) and the page (%d on a screen of %d): the chart should scroll in its box, not the page",
			widths[0], widths[1], widths[2], widths[3])
	}
	moduletest.Keep(t, ctx, "project-5-gantt-phone.png")
	moduletest.Do(t, ctx, "back to a desktop", chromedp.EmulateViewport(1280, 900))
}

// spendBudget plans three budget lines of the partner of project id and
// records an expense on each, one over its line; the totals shown follow.
func spendBudget(t *testing.T, ctx context.Context, id string, day calendar) {
	t.Helper()
	moduletest.Do(t, ctx, "the manager opens the budget", chromedp.Navigate(alpha+"/projects/"+id), chromedp.Click(chromedp.ID("tab-budget")),
		chromedp.WaitVisible(chromedp.ID("budget-total")))
	for _, l := range [][2]string{{"personnel", "20000"}, {"equipment", "12,000"}, {"travel", "1500.00"}} {
		moduletest.Do(t, ctx, "the manager plans a line of "+l[0], chromedp.Click(chromedp.ID("new-line")), chromedp.WaitVisible(chromedp.ID("category")),
			chromedp.SetValue(chromedp.ID("category"), l[0]), chromedp.SendKeys(chromedp.ID("planned"), l[1]),
			chromedp.Click(chromedp.ID("save")), chromedp.WaitVisible(chromedp.ID("new-expense")))
	}
	for _, e := range []struct{ category, on, amount, what string }{
		{"Personnel", day(0, 14), "4250.50", "Tecnico di laboratorio, primo mese"},
		{"Equipment", day(1, 3), "7,900.00", "Banco di prova e strumenti di misura"},
		{"Travel", day(1, 9), "1800", "Trasferta per il collaudo"},
	} {
		moduletest.Do(t, ctx, "the manager opens the expense's form", chromedp.Navigate(alpha+"/projects/"+id+"/budget/expenses/new"), chromedp.WaitVisible(chromedp.ID("line_id")))
		line, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#line_id option")].find(o => o.textContent.includes("`+e.category+`")).value`))
		if err != nil {
			t.Fatalf("no line of %s to choose: %v", e.category, err)
		}
		moduletest.Do(t, ctx, "the manager records "+e.what,
			chromedp.SetValue(chromedp.ID("line_id"), line), chromedp.SetValue(chromedp.ID("spent_on"), e.on), chromedp.SendKeys(chromedp.ID("amount"), e.amount),
			chromedp.SendKeys(chromedp.ID("description"), e.what), chromedp.Click(chromedp.ID("save")),
			chromedp.WaitVisible(chromedp.CSS(`.alert-success[role="status"]`)))
	}
	moduletest.Do(t, ctx, "the manager opens the budget again", chromedp.Navigate(alpha+"/projects/"+id+"/budget"), chromedp.WaitVisible(chromedp.ID("chart-partners")))
	for sel, want := range map[string]string{"#total-planned": "€ 33,500.00", "#total-actual": "€ 13,950.50 (41%)", "#total-variance": "€ 19,549.50"} {
		if got := textOf(t, ctx, sel); got != want {
			t.Errorf("%s: %q, want %q", sel, got, want)
		}
	}
	if over := textOf(t, ctx, "#table-categories"); !strings.Contains(over, "-300.00") {
		t.Errorf("the travel line over its plan is not shown: %q", over)
	}
	moduletest.Keep(t, ctx, "project-6-budget.png")
	shot(t, ctx, "project-budget.png", "#budget-h", "#by-category")
}

// reportPeriod: the manager starts the reports of the project's first
// month; the partner's referent writes and submits his; the manager
// approves it and the referent sees it approved. It returns the report's
// path.
func reportPeriod(t *testing.T, manager, referent context.Context, id string, day calendar) string {
	t.Helper()
	moduletest.Do(t, manager, "the manager starts the period's reports", chromedp.Navigate(alpha+"/projects/"+id+"/reports"), chromedp.WaitVisible(chromedp.ID("start")),
		chromedp.SetValue(chromedp.ID("period_start"), day(0, 0)), chromedp.SetValue(chromedp.ID("period_end"), day(1, -1)),
		chromedp.Click(chromedp.ID("start")), chromedp.WaitVisible(chromedp.CSS(`#reports tr[id^="report-"] a`)))
	moduletest.Do(t, referent, "the referent opens his report", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#reports tr[id^="report-"] a`)),
		chromedp.Click(chromedp.CSS(`#reports tr[id^="report-"] a`)), chromedp.WaitVisible(chromedp.ID("edit")),
		chromedp.Click(chromedp.ID("edit")), chromedp.WaitVisible(chromedp.CSS("textarea#body")),
		chromedp.SendKeys(chromedp.CSS("textarea#body"), "Scelte le attrezzature con i laboratori dei partner; ordini emessi."))
	moduletest.Keep(t, referent, "project-7-referent-writes-report.png")
	moduletest.Do(t, referent, "the referent submits it", chromedp.Click(chromedp.ID("submit")), chromedp.WaitVisible(chromedp.ID("state")))
	if state := textOf(t, referent, "#state"); state != "submitted" {
		t.Errorf("the submitted report's state: %q", state)
	}
	loc, _ := chromedp.Run(referent, chromedp.Location())
	report := strings.TrimPrefix(loc[:strings.IndexAny(loc+"?", "?")], alpha)
	moduletest.Do(t, manager, "the manager approves it", chromedp.Navigate(alpha+report), chromedp.WaitVisible(chromedp.ID("do-approve")),
		chromedp.Click(chromedp.ID("do-approve")), chromedp.WaitVisible(chromedp.CSS(`.alert-success[role="status"]`)))
	if state := textOf(t, manager, "#state"); state != "approved" {
		t.Errorf("the approved report's state for the manager: %q", state)
	}
	moduletest.Keep(t, manager, "project-8-manager-approves.png")
	moduletest.Do(t, referent, "the referent opens his report again", chromedp.Navigate(alpha+report), chromedp.WaitVisible(chromedp.ID("state")))
	if state := textOf(t, referent, "#state"); state != "approved" {
		t.Errorf("the approved report's state for the referent: %q", state)
	}
	if body := textOf(t, referent, "#body"); !strings.Contains(body, "ordini emessi") {
		t.Errorf("the report's text: %q", body)
	}
	return report
}

// lateReport: the manager starts the reports of the project's second
// month, over for more than fifteen days, and the referent's is late on
// the reports' page.
func lateReport(t *testing.T, ctx context.Context, id string, day calendar) {
	t.Helper()
	moduletest.Do(t, ctx, "the manager starts the second month's reports", chromedp.Navigate(alpha+"/projects/"+id+"/reports"), chromedp.WaitVisible(chromedp.ID("start")),
		chromedp.SetValue(chromedp.ID("period_start"), day(1, 0)), chromedp.SetValue(chromedp.ID("period_end"), day(2, -1)),
		chromedp.Click(chromedp.ID("start")), chromedp.WaitVisible(chromedp.CSS(`#reports tr.table-danger a`)))
	if row := textOf(t, ctx, "#reports tr.table-danger"); !strings.Contains(row, "Officine Bruno") || !strings.Contains(row, "late") {
		t.Errorf("the late report's row: %q", row)
	}
	moduletest.Keep(t, ctx, "project-9-reports.png")
}

// pdf is a small PDF document, and pdf2 its next version.
var (
	pdf  = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	pdf2 = []byte("%PDF-1.4\n1 0 obj << /Title (seconda) >> endobj\ntrailer <<>>\n%%EOF\n")
)

// library puts a document in the tenant's library (by its admin) and one
// with two versions in the library of project id's community (by its
// manager); it returns the pages of the libraries and of that document.
func library(t *testing.T, w *moduletest.World, id string) []string {
	t.Helper()
	cid := query[string](t, w, w.A, "SELECT community_id::text FROM projects WHERE id = ?", id)
	fields := func(title, community string) url.Values {
		return url.Values{"kind": {"file"}, "title": {title}, "language": {"it"}, "community": {community}, "folder": {""}, "scope_kind": {"tenant"},
			"description": {"Documento di prova."}}
	}
	admin, anna := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "anna")
	if code, _, body := sendMulti(t, admin, alpha+"/documents", "/documents", fields("Linee guida dei laboratori", ""), "linee-guida.pdf", "application/pdf", pdf); code != 303 {
		t.Fatalf("a document in the tenant's library: %d %s", code, excerpt(body))
	}
	code, loc, body := sendMulti(t, anna, alpha+"/documents", "/documents", fields("Capitolato delle attrezzature", cid), "capitolato.pdf", "application/pdf", pdf)
	if code != 303 {
		t.Fatalf("a document in the project's library: %d %s", code, excerpt(body))
	}
	doc := loc[:strings.IndexAny(loc+"?", "?")]
	if code, _, body := sendMulti(t, anna, alpha+doc, doc+"/versions", url.Values{}, "capitolato.pdf", "application/pdf", pdf2); code != 303 {
		t.Fatalf("a second version: %d %s", code, excerpt(body))
	}
	return []string{"/documents", "/documents/communities/" + cid, doc}
}
