package project_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// proposalWithGroup publishes a proposal of anna's whose respondents
// bruno (for an organisation he works for) and dario are judged relevant
// and carla not, and makes its work group: it returns its id.
func proposalWithGroup(t *testing.T, w *moduletest.World) string {
	t.Helper()
	anna := w.Browser(t, alpha, "anna")
	exec(t, w, `INSERT INTO organizations (name) VALUES ('Officine Bruno');
		INSERT INTO organization_members (organization_id, user_id, role, state) SELECT id, ?, 'referent', 'active' FROM organizations WHERE name = 'Officine Bruno'`,
		w.ID("alpha", "bruno"))
	res, body := w.Browser(t, alpha, "validator").Post(alpha+"/proposals/new", alpha+"/proposals", url.Values{"title": {"Laboratorio condiviso"},
		"summary": {"Cerchiamo partner per un laboratorio."}, "kind": {"technology"}, "trl": {"4"}, "ip_status": {"none"}, "themes": {"health", "aerospace"},
		"language": {"it"}, "scope_kind": {"tenant"}, "action": {"publish"}})
	if res.StatusCode != 303 {
		t.Fatalf("proposal: %d %s", res.StatusCode, excerpt(body))
	}
	id := regexp.MustCompile(`/proposals/(\d+)`).FindStringSubmatch(res.Header.Get("Location"))[1]
	exec(t, w, "UPDATE proposals SET author_id = ? WHERE id = ?", w.ID("alpha", "anna"), id)
	exec(t, w, `INSERT INTO proposal_interests (proposal_id, author_id, organization_id, offer, state)
		SELECT ?, u.id, CASE WHEN u.email LIKE 'bruno@%' THEN (SELECT id FROM organizations WHERE name = 'Officine Bruno') END, 'Offro', v.state
		FROM users u JOIN (VALUES ('bruno', 'relevant'), ('dario', 'relevant'), ('carla', 'not_relevant')) AS v (who, state) ON u.email LIKE v.who || '@%'`, id)
	if code, _ := anna.Send(alpha+"/proposals/"+id, alpha+"/proposals/"+id+"/work-group", nil); code != 303 {
		t.Fatalf("work group: %d", code)
	}
	return id
}

// TestFromProposal: the proposer starts a project from the work group
// (the button next to it, a form filled with the proposal); the project
// carries the proposal, its relevant respondents (bruno a partner
// referent for his organisation, dario a participant), the work group as
// its community, and the two pages link each other. Nobody else may
// start it, and it is started once.
func TestFromProposal(t *testing.T) {
	w := moduletest.New(t)
	pid := proposalWithGroup(t, w)
	anna, bruno, carla := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno"), w.Browser(t, alpha, "carla")
	page := alpha + "/proposals/" + pid
	_, p := anna.Get(page)
	if !strings.Contains(p, `id="start-project"`) || !strings.Contains(p, `href="/projects/new?from=proposal:`+pid+`"`) {
		t.Fatal("the proposer is not offered to start a project from the work group")
	}
	if _, p := bruno.Get(page); strings.Contains(p, `id="start-project"`) {
		t.Error("a respondent is offered to start the project")
	}
	form := "/projects/new?from=proposal:" + pid
	_, p = anna.Get(alpha + form)
	for _, want := range []string{`value="Laboratorio condiviso"`, "Cerchiamo partner per un laboratorio.", `id="theme-health" value="health" checked`,
		`name="origin" value="proposal:` + pid + `"`, `id="seed"`} {
		if !strings.Contains(p, want) {
			t.Errorf("the form from the proposal lacks %q", want)
		}
	}
	for who, b := range map[string]*moduletest.Browser{"bruno": bruno, "carla": carla} {
		if code, _ := b.Get(alpha + form); code != 403 {
			t.Errorf("%s opens the form from anna's proposal: %d", who, code)
		}
		if code, _, _ := post(t, b, "/projects", fields("Preso", url.Values{"origin": {"proposal:" + pid}})); code != 403 {
			t.Errorf("%s starts a project from anna's proposal: %d", who, code)
		}
	}
	code, loc, body := post(t, anna, "/projects", fields("Laboratorio condiviso", url.Values{"origin": {"proposal:" + pid}}))
	if code != 303 {
		t.Fatalf("start the project: %d %s", code, excerpt(body))
	}
	id := idRE.FindStringSubmatch(loc)[1]
	people := query[string](t, w, w.A, `SELECT string_agg(u.display_name || ':' || m.role, ',' ORDER BY u.display_name)
		FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = ?`, id)
	if people != "Anna:manager,Bruno:referent,Dario:participant" {
		t.Errorf("the project's people: %s", people)
	}
	partners := query[string](t, w, w.A, `SELECT string_agg(o.name || ':' || u.display_name, ',') FROM project_partners pp
		JOIN organizations o ON o.id = pp.organization_id JOIN users u ON u.id = pp.referent_id WHERE pp.project_id = ?`, id)
	if partners != "Officine Bruno:Bruno" {
		t.Errorf("the partners: %s", partners)
	}
	if same := query[bool](t, w, w.A, "SELECT p.community_id = q.work_group_id FROM projects p, proposals q WHERE p.id = ? AND q.id = ?", id, pid); !same {
		t.Error("the work group is not the project's community")
	}
	if _, p := bruno.Get(alpha + "/projects/" + id); !strings.Contains(p, `id="origin"`) || !strings.Contains(p, `href="/proposals/`+pid+`"`) {
		t.Error("the project's page does not say it was born from the proposal")
	}
	for who, b := range map[string]*moduletest.Browser{"anna": anna, "bruno": bruno} {
		if _, p := b.Get(page); !strings.Contains(p, `id="born"`) || !strings.Contains(p, `href="/projects/`+id+`"`) {
			t.Errorf("the proposal's page does not link the project for %s", who)
		}
	}
	if _, p := carla.Get(page); strings.Contains(p, `/projects/`+id) {
		t.Error("the proposal's page links the project for someone who is not in it")
	}
	if _, p := anna.Get(page); strings.Contains(p, `id="start-project"`) {
		t.Error("the proposer is still offered to start a project")
	}
	if code, _, _ := post(t, anna, "/projects", fields("Di nuovo", url.Values{"origin": {"proposal:" + pid}})); code != 409 {
		t.Errorf("a second project from the proposal: %d", code)
	}
	if n := query[int](t, w, w.A, "SELECT count(*) FROM projects"); n != 1 {
		t.Errorf("%d projects", n)
	}
}
