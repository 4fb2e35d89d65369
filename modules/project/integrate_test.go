package project_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestActivitiesAndSearch: a late task assigned to a member is in their
// "my activities" (not in others'), until they leave the project; search
// finds a project by title, acronym or summary for its people only.
func TestActivitiesAndSearch(t *testing.T) {
	w := moduletest.New(t)
	id := create(t, w.Browser(t, alpha, "admin"), alpha, "Idrogeno verde", map[string][]string{"acronym": {"H2V"}, "summary": {"Elettrolizzatori comunali."}})
	ids := plan(t, w, id)
	join(t, w, id, "carla", "participant")
	join(t, w, id, "dario", "observer")
	exec(t, w, `UPDATE project_tasks SET ends_on = current_date - 3, starts_on = current_date - 30 WHERE id = ?;
		UPDATE project_work_packages SET starts_on = current_date - 60 WHERE id = ?; UPDATE projects SET starts_on = current_date - 60;
		INSERT INTO project_task_assignees (task_id, user_id) VALUES (?, ?)`, ids["A"], ids["WP1"], ids["A"], w.ID("alpha", "carla"))
	carla, dario := w.Browser(t, alpha, "carla"), w.Browser(t, alpha, "dario")
	if _, page := carla.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, "Tua attività in ritardo") || !strings.Contains(page, "/projects/"+id+"/tasks/"+ids["A"]) {
		t.Error("the assignee's inbox does not list her late task")
	}
	if _, page := dario.Get(alpha + "/dashboard/inbox"); strings.Contains(page, "/projects/"+id+"/tasks/") {
		t.Error("someone not assigned has the late task in his inbox")
	}
	for _, q := range []string{"idrogeno", "H2V", "elettrolizzatori"} {
		if _, page := dario.Get(alpha + "/search?q=" + q); !strings.Contains(page, `href="/projects/`+id+`"`) {
			t.Errorf("a member does not find the project by %q", q)
		}
		if _, page := w.Browser(t, alpha, "anna").Get(alpha + "/search?q=" + q); strings.Contains(page, "/projects/"+id) {
			t.Errorf("someone not in the project finds it by %q", q)
		}
	}
	if code, _, _ := post(t, w.Browser(t, alpha, "admin"), "/projects/"+id+"/members/"+query[string](t, w, w.A, "SELECT ?::text", w.ID("alpha", "carla"))+"/remove", nil); code != 303 {
		t.Fatal("remove carla")
	}
	if _, page := carla.Get(alpha + "/dashboard/inbox"); strings.Contains(page, "/projects/"+id+"/tasks/") {
		t.Error("a former member still has the project's late task in her inbox")
	}
	if code, _ := carla.Get(alpha + "/projects/" + id); code != 404 {
		t.Errorf("a former member opens the project: %d", code)
	}
}

// TestTaskTable: a large plan's task table comes fifty tasks a page in
// order of dates, paged by a cursor bound to the project's table: an
// altered one, or one of another project's table, is a page not found.
func TestTaskTable(t *testing.T) {
	w := moduletest.New(t)
	admin := w.Browser(t, alpha, "admin")
	id := create(t, admin, alpha, "Grande", nil)
	other := create(t, admin, alpha, "Altro", nil)
	ids := plan(t, w, id)
	plan(t, w, other)
	exec(t, w, `INSERT INTO project_tasks (project_id, work_package_id, title, starts_on, ends_on)
		SELECT ?, ?, 'Attività ' || n, date '2030-07-01' + n, date '2030-07-01' + n + 5 FROM generate_series(1, 117) AS n`, id, ids["WP2"])
	next := regexp.MustCompile(`id="more" rel="next" href="([^"]+)"|href="([^"]+)" id="more"`)
	rowRE := regexp.MustCompile(`<tr id="task-\d+"`)
	u := alpha + "/projects/" + id + "/tasks"
	seen := 0
	var cursors []string
	for page := 0; u != ""; page++ {
		code, body := admin.Get(u)
		if code != 200 {
			t.Fatalf("page %d: %d", page, code)
		}
		n := len(rowRE.FindAllString(body, -1))
		seen += n
		if m := next.FindStringSubmatch(body); m != nil {
			link := strings.ReplaceAll(m[1]+m[2], "&amp;", "&")
			cursors = append(cursors, link[strings.Index(link, "after=")+6:])
			u = alpha + link
			if n != 50 {
				t.Errorf("page %d has %d rows", page, n)
			}
		} else {
			u = ""
		}
	}
	if seen != 120 || len(cursors) != 2 {
		t.Errorf("%d tasks over %d pages", seen, len(cursors)+1)
	}
	for _, bad := range []string{cursors[0] + "x", "abc", cursors[0][:len(cursors[0])-2] + "AA"} {
		if code, _ := admin.Get(alpha + "/projects/" + id + "/tasks?after=" + bad); code != 404 {
			t.Errorf("an altered cursor: %d", code)
		}
	}
	if code, _ := admin.Get(alpha + "/projects/" + other + "/tasks?after=" + cursors[0]); code != 404 {
		t.Errorf("another project's cursor: %d", code)
	}
}
