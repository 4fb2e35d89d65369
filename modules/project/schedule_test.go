package project_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// taskForm is the form of a task of work package wp from start to end.
func taskForm(wp, title, start, end string) url.Values {
	return url.Values{"work_package_id": {wp}, "title": {title}, "starts_on": {start}, "ends_on": {end}, "status": {"todo"}, "progress": {"0"}}
}

// TestScheduleRules: a task outside its work package, or the project, or
// ending before it starts, is refused with the message next to its field
// and nothing written; a work package shrunk past its tasks is refused;
// a dependency that would close a cycle, directly or through other
// tasks, is refused next to the choice of the task.
func TestScheduleRules(t *testing.T) {
	w := moduletest.New(t)
	admin := w.Browser(t, alpha, "admin")
	id := create(t, admin, alpha, "Piano", nil)
	ids := plan(t, w, id)
	p := "/projects/" + id
	before := snapshot(t, w)
	cases := []struct {
		form       url.Values
		field, msg string
	}{
		{taskForm(ids["WP1"], "Fuori dal WP", "2030-06-20", "2030-07-10"), "starts_on", "date del suo work package"},
		{taskForm(ids["WP1"], "Fuori dal progetto", "2025-12-01", "2030-01-10"), "starts_on", "date del progetto"},
		{taskForm(ids["WP1"], "Al contrario", "2030-03-10", "2030-03-01"), "ends_on", "La fine viene prima"},
		{taskForm(ids["WP1"], "", "2030-03-10", "2030-03-12"), "title", "titolo"},
		{taskForm("999999", "Di nessuno", "2030-03-10", "2030-03-12"), "work_package_id", "Scegli un work package"},
		{taskForm(ids["WP1"], "Senza data", "", "2030-03-12"), "starts_on", "Indica una data"},
	}
	for _, c := range cases {
		code, _, body := post(t, admin, p+"/tasks", c.form)
		if code != 422 || !strings.Contains(body, `id="`+c.field+`-error"`) || !strings.Contains(body, c.msg) {
			t.Errorf("%s: %d, no message %q on %s", c.form.Get("title"), code, c.msg, c.field)
		}
	}
	// B (in WP1) starts after A ends: starting it before is refused.
	if code, _, body := post(t, admin, p+"/tasks/"+ids["B"]+"/edit", taskForm(ids["WP1"], "Disegno", "2030-02-20", "2030-04-30")); code != 422 || !strings.Contains(body, "inizia dopo la fine") {
		t.Errorf("a task moved before its predecessor ends: %d", code)
	}
	if code, _, body := post(t, admin, p+"/work-packages/"+ids["WP1"]+"/edit", url.Values{"code": {"WP1"}, "title": {"Analisi"},
		"starts_on": {"2030-01-01"}, "ends_on": {"2030-03-31"}}); code != 422 || !strings.Contains(body, "Alcune sue attività") {
		t.Errorf("a work package shrunk past its tasks: %d", code)
	}
	for _, c := range []struct{ task, after, why string }{{ids["A"], ids["C"], "through B"}, {ids["A"], ids["B"], "directly"}, {ids["B"], ids["B"], "itself"}} {
		code, _, body := post(t, admin, p+"/tasks/"+c.task+"/dependencies", url.Values{"predecessor_id": {c.after}})
		if code != 422 || !strings.Contains(body, `id="predecessor_id-error"`) || !strings.Contains(body, "ciclo") {
			t.Errorf("a cycle %s: %d", c.why, code)
		}
	}
	if after := snapshot(t, w); after != before {
		t.Error("a refused change wrote")
	}
}

// TestReschedule: moving a task later shows, before anything is written,
// the tasks after it that would have to move and those that no longer fit
// (late); the manager then moves those that fit, or leaves them late, and
// the plan's pages mark what is late.
func TestReschedule(t *testing.T) {
	w := moduletest.New(t)
	admin := w.Browser(t, alpha, "admin")
	id := create(t, admin, alpha, "Piano", nil)
	ids := plan(t, w, id)
	p := "/projects/" + id
	dates := func(task string) string {
		return query[string](t, w, w.A, "SELECT starts_on || ' ' || ends_on FROM project_tasks WHERE id = ?", task)
	}
	before := snapshot(t, w)
	// A ends on 15 March: B (1 March – 30 April, after A) moves 15 days.
	longer := taskForm(ids["WP1"], "Raccolta requisiti", "2030-01-10", "2030-03-15")
	code, _, body := post(t, admin, p+"/tasks/"+ids["A"]+"/edit", longer)
	if code != 200 || !strings.Contains(body, `id="impact"`) || !strings.Contains(body, `id="impact-`+ids["B"]+`" data-fits="true"`) ||
		!strings.Contains(body, "si sposta di 15 giorni") || strings.Contains(body, `id="impact-`+ids["C"]+`"`) {
		t.Fatalf("the preview of the move: %d %s", code, excerpt(body))
	}
	if snapshot(t, w) != before {
		t.Fatal("the preview wrote")
	}
	longer.Set("reschedule", "move")
	if code, loc, _ := post(t, admin, p+"/tasks/"+ids["A"]+"/edit", longer); code != 303 || !strings.Contains(loc, "done=moved") {
		t.Fatalf("move: %d %s", code, loc)
	}
	if got := dates(ids["B"]); got != "2030-03-16 2030-05-15" {
		t.Errorf("B after the move: %s", got)
	}
	// A ends on 31 May: B would have to end on 30 July, past WP1 (30 June):
	// it becomes late; left there, every page says so.
	late := taskForm(ids["WP1"], "Raccolta requisiti", "2030-01-10", "2030-05-31")
	_, _, body = post(t, admin, p+"/tasks/"+ids["A"]+"/edit", late)
	if !strings.Contains(body, `id="impact-`+ids["B"]+`" data-fits="false"`) || !strings.Contains(body, "va in ritardo") {
		t.Fatalf("the preview of a task pushed out of its work package: %s", excerpt(body))
	}
	late.Set("reschedule", "keep")
	if code, _, _ := post(t, admin, p+"/tasks/"+ids["A"]+"/edit", late); code != 303 {
		t.Fatalf("keep: %d", code)
	}
	if got := dates(ids["B"]); got != "2030-03-16 2030-05-15" {
		t.Errorf("B left: %s", got)
	}
	_, page := admin.Get(alpha + p + "/tasks/" + ids["B"])
	if !strings.Contains(page, `id="task-late"`) || !strings.Contains(page, "inizia prima che finisca") {
		t.Errorf("B's page does not say it is late: %s", page[strings.Index(page, "<main"):])
	}
	if _, page := admin.Get(alpha + p); !strings.Contains(page, `href="`+p+`/tasks/`+ids["B"]+`"`) {
		t.Error("the dashboard does not list B as late")
	}
}

// TestConcurrentCycle: A → B is already there with B late (it starts
// before A ends), so dates do not stop a cycle; "C after B" and "A after
// C" sent at once would close A → B → C → A. The plan is locked while a
// dependency is checked and added: one is added, the other refused as a
// cycle, every time.
func TestConcurrentCycle(t *testing.T) {
	w := moduletest.New(t)
	admin := w.Browser(t, alpha, "admin")
	id := create(t, admin, alpha, "Piano", nil)
	ids := plan(t, w, id)
	exec(t, w, `DELETE FROM project_task_dependencies; INSERT INTO project_task_dependencies (project_id, predecessor_id, successor_id) VALUES (?, ?, ?);
		UPDATE project_tasks SET starts_on = '2030-02-01', ends_on = '2030-03-01' WHERE id = ?;
		UPDATE project_tasks SET starts_on = '2030-01-01', ends_on = '2030-01-10' WHERE id = ?;
		UPDATE project_tasks SET starts_on = '2030-01-15', ends_on = '2030-01-20', work_package_id = ? WHERE id = ?`,
		id, ids["A"], ids["B"], ids["A"], ids["B"], ids["WP1"], ids["C"])
	p := "/projects/" + id
	other := w.Browser(t, alpha, "admin")
	for round := range 8 {
		exec(t, w, "DELETE FROM project_task_dependencies WHERE predecessor_id <> ?", ids["A"])
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i, r := range []struct {
			b           *moduletest.Browser
			task, after string
		}{{admin, ids["C"], ids["B"]}, {other, ids["A"], ids["C"]}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, _ := r.b.Post(alpha+"/projects", alpha+p+"/tasks/"+r.task+"/dependencies", url.Values{"predecessor_id": {r.after}})
				codes[i] = res.StatusCode
			}()
		}
		wg.Wait()
		n := query[int](t, w, w.A, "SELECT count(*) FROM project_task_dependencies")
		if n != 2 || (codes[0] == 303) == (codes[1] == 303) {
			t.Fatalf("round %d: answers %v, %d dependencies", round, codes, n)
		}
	}
}
