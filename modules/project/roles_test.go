package project_test

import (
	"net/url"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// snapshot is every row of alpha's project tables, to tell that a refused
// request wrote nothing.
func snapshot(t *testing.T, w *moduletest.World) string {
	return query[string](t, w, w.A, `SELECT concat_ws('|',
		(SELECT string_agg(p::text, ',' ORDER BY id) FROM projects p), (SELECT string_agg(m::text, ',' ORDER BY project_id, user_id) FROM project_members m),
		(SELECT string_agg(x::text, ',' ORDER BY id) FROM project_partners x), (SELECT string_agg(x::text, ',' ORDER BY id) FROM project_work_packages x),
		(SELECT string_agg(x::text, ',' ORDER BY id) FROM project_tasks x), (SELECT string_agg(x::text, ',' ORDER BY task_id, user_id) FROM project_task_assignees x),
		(SELECT string_agg(x::text, ',' ORDER BY predecessor_id, successor_id) FROM project_task_dependencies x),
		(SELECT string_agg(x::text, ',' ORDER BY id) FROM project_milestones x))`)
}

// route is a route of a project with an accepted form (nil for a GET).
type route struct {
	path string
	form url.Values
	// may is the roles allowed ("manager", "referent", "participant",
	// "observer"); the others among the project's people get 403.
	may []string
}

// routes are every route of project id (with the plan of plan()).
func routes(id string, ids map[string]string) []route {
	all := []string{"manager", "referent", "participant", "observer"}
	mgr := []string{"manager"}
	p := "/projects/" + id
	task := url.Values{"work_package_id": {ids["WP1"]}, "title": {"Nuova"}, "starts_on": {"2030-05-01"}, "ends_on": {"2030-05-10"},
		"status": {"todo"}, "progress": {"0"}}
	edited := url.Values{"work_package_id": {ids["WP2"]}, "title": {"Prototipo rivisto"}, "starts_on": {"2030-07-01"}, "ends_on": {"2030-09-30"},
		"status": {"in_progress"}, "progress": {"10"}}
	wp := url.Values{"code": {"WP3"}, "title": {"Diffusione"}, "starts_on": {"2031-01-01"}, "ends_on": {"2031-06-30"}}
	ms := url.Values{"title": {"Demo"}, "due_on": {"2030-09-30"}, "work_package_id": {ids["WP2"]}}
	return []route{
		{path: p, may: all}, {path: p + "/gantt", may: all}, {path: p + "/tasks", may: all}, {path: p + "/milestones.ics", may: all},
		{path: p + "/plan.csv", may: all}, {path: p + "/tasks/" + ids["B"], may: all},
		{path: p + "/edit", may: mgr}, {path: p + "/work-packages/new", may: mgr}, {path: p + "/work-packages/" + ids["WP1"] + "/edit", may: mgr},
		{path: p + "/tasks/new", may: mgr}, {path: p + "/tasks/" + ids["C"] + "/edit", may: mgr}, {path: p + "/milestones/new", may: mgr},
		{path: p + "/milestones/" + ids["M1"] + "/edit", may: mgr},
		{path: p + "/tasks/" + ids["B"] + "/progress", form: url.Values{"status": {"in_progress"}, "progress": {"60"}}, may: []string{"manager", "participant"}},
		{path: p + "/edit", form: fields("Rinominato", nil), may: mgr},
		{path: p + "/members", form: url.Values{"user_id": {"0"}, "role": {"observer"}}, may: mgr},
		{path: p + "/members/" + ids["dario"] + "/role", form: url.Values{"role": {"participant"}}, may: mgr},
		{path: p + "/partners", form: url.Values{"partner": {"0:0"}}, may: mgr},
		{path: p + "/work-packages", form: wp, may: mgr},
		{path: p + "/work-packages/" + ids["WP2"] + "/edit", form: url.Values{"code": {"WP2"}, "title": {"Sviluppo"}, "starts_on": {"2030-07-01"}, "ends_on": {"2031-07-31"}}, may: mgr},
		{path: p + "/tasks", form: task, may: mgr},
		{path: p + "/tasks/" + ids["C"] + "/edit", form: edited, may: mgr},
		{path: p + "/tasks/" + ids["C"] + "/dependencies", form: url.Values{"predecessor_id": {ids["A"]}}, may: mgr},
		{path: p + "/tasks/" + ids["C"] + "/dependencies/" + ids["B"] + "/remove", form: url.Values{}, may: mgr},
		{path: p + "/milestones", form: ms, may: mgr},
		{path: p + "/milestones/" + ids["M1"] + "/edit", form: url.Values{"title": {"Requisiti"}, "due_on": {"2030-06-30"}, "reached": {"1"}}, may: mgr},
		{path: p + "/milestones/" + ids["M1"] + "/delete", form: url.Values{}, may: mgr},
		{path: p + "/tasks/" + ids["A"] + "/delete", form: url.Values{}, may: mgr},
		{path: p + "/work-packages/" + ids["WP2"] + "/delete", form: url.Values{}, may: mgr},
		{path: p + "/partners/" + ids["partner"] + "/remove", form: url.Values{}, may: mgr},
		{path: p + "/members/" + ids["dario"] + "/remove", form: url.Values{}, may: mgr},
	}
}

// TestRoles: every route of a project, for each role in it, is allowed
// exactly to the roles that may (an observer changes nothing, a
// participant only reports the progress of a task assigned to them, a
// referent reads, the manager does everything); to someone who is not in
// the project, and to the other tenant's members, the project does not
// exist (404) on every route; a refused request writes nothing.
func TestRoles(t *testing.T) {
	w := moduletest.New(t)
	id := create(t, w.Browser(t, alpha, "admin"), alpha, "Progetto dei ruoli", nil)
	ids := plan(t, w, id)
	join(t, w, id, "bruno", "referent")
	join(t, w, id, "carla", "participant")
	join(t, w, id, "dario", "observer")
	exec(t, w, "INSERT INTO project_task_assignees (task_id, user_id) VALUES (?, ?), (?, ?)", ids["B"], w.ID("alpha", "carla"), ids["A"], w.ID("alpha", "bruno"))
	exec(t, w, `INSERT INTO organizations (name) VALUES ('Ente partner');
		INSERT INTO project_partners (project_id, organization_id, referent_id) SELECT ?, id, ? FROM organizations WHERE name = 'Ente partner'`, id, w.ID("alpha", "bruno"))
	ids["partner"] = query[string](t, w, w.A, "SELECT id::text FROM project_partners")
	ids["dario"] = query[string](t, w, w.A, "SELECT ?::text", w.ID("alpha", "dario"))
	who := map[string]*moduletest.Browser{"referent": w.Browser(t, alpha, "bruno"), "participant": w.Browser(t, alpha, "carla"),
		"observer": w.Browser(t, alpha, "dario"), "outsider": w.Browser(t, alpha, "anna"), "validator": w.Browser(t, alpha, "validator")}
	others := map[string]*moduletest.Browser{"beta admin": w.Browser(t, beta, "admin"), "beta anna": w.Browser(t, beta, "anna")}
	// Beta has a project with the same id, of its facilitator's.
	create(t, w.Browser(t, beta, "facilitator"), beta, "Progetto di Beta", nil)
	for _, r := range routes(id, ids) {
		for role, b := range who {
			want := 404
			if role != "outsider" && role != "validator" {
				want = 403
				for _, x := range r.may {
					if x == role {
						want = 0
					}
				}
			}
			check(t, w, b, alpha, role, r, want)
		}
		for name, b := range others {
			check(t, w, b, beta, name, r, 404)
		}
	}
	// The manager may do all of it (last, as it changes the plan).
	admin := w.Browser(t, alpha, "admin")
	for _, r := range routes(id, ids) {
		check(t, w, admin, alpha, "manager", r, 0)
	}
}

// check sends r as b at site and wants status want (0: a success, 200 or
// 303, or a form's refusal 422); a refusal must write nothing.
func check(t *testing.T, w *moduletest.World, b *moduletest.Browser, site, who string, r route, want int) {
	t.Helper()
	before := snapshot(t, w)
	var code int
	if r.form == nil {
		code, _ = b.Get(site + r.path)
	} else {
		res, _ := b.Post(site+"/projects", site+r.path, cloneForm(r.form))
		code = res.StatusCode
	}
	switch {
	case want == 0 && code != 200 && code != 303 && code != 422:
		t.Errorf("%s %s: %d, want success", who, r.path, code)
	case want != 0 && code != want:
		t.Errorf("%s %s: %d, want %d", who, r.path, code, want)
	}
	if want != 0 && snapshot(t, w) != before {
		t.Errorf("%s %s: refused but wrote", who, r.path)
	}
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}
