package project_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestCreate: who holds the permission (admins, facilitators) starts a
// project from scratch and manages it, with a closed community of its
// own linked both ways; a member without it is refused; a bad field is
// refused next to it with nothing written; the list shows a member their
// projects only.
func TestCreate(t *testing.T) {
	w := moduletest.New(t)
	admin, anna := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "anna")
	if code, _ := anna.Get(alpha + "/projects/new"); code != 403 {
		t.Errorf("a member without the permission opens the form: %d", code)
	}
	if _, _, body := post(t, anna, "/projects", fields("Di Anna", nil)); !strings.Contains(body, "") || query[int](t, w, w.A, "SELECT count(*) FROM projects") != 0 {
		t.Error("a member without the permission created a project")
	}
	if _, page := admin.Get(alpha + "/projects"); !strings.Contains(page, `id="new-project"`) {
		t.Error("the admin is not offered to start a project")
	}
	code, _, body := post(t, admin, "/projects", fields("Sì", url.Values{"ends_on": {"2025-01-01"}, "grant": {"tanti"}}))
	for _, want := range []string{`id="title-error"`, `id="ends_on-error"`, `id="grant-error"`} {
		if code != 422 || !strings.Contains(body, want) {
			t.Errorf("a bad form: %d, no %s", code, want)
		}
	}
	if n := query[int](t, w, w.A, "SELECT count(*) FROM projects"); n != 0 {
		t.Fatalf("a refused form wrote %d projects", n)
	}
	id := create(t, admin, alpha, "Sensori per la salute", nil)
	got := query[string](t, w, w.A, `SELECT p.grant_cents || ':' || m.role || ':' || c.kind || ':' || cm.role FROM projects p
		JOIN project_members m ON m.project_id = p.id JOIN communities c ON c.id = p.community_id
		JOIN community_members cm ON cm.community_id = c.id AND cm.user_id = m.user_id WHERE p.id = ?`, id)
	if got != "15000050:manager:closed:manager" {
		t.Errorf("grant, role, community and its role: %s", got)
	}
	_, page := admin.Get(alpha + "/projects/" + id)
	for _, want := range []string{"PRJ", "Sensori per la salute", "150.000,50", `id="community-link"`, "responsabile di progetto"} {
		if !strings.Contains(page, want) {
			t.Errorf("the project's page lacks %q", want)
		}
	}
	community := query[string](t, w, w.A, "SELECT community_id::text FROM projects WHERE id = ?", id)
	if _, page := admin.Get(alpha + "/communities/" + community); !strings.Contains(page, `id="origin"`) || !strings.Contains(page, `href="/projects/`+id+`"`) {
		t.Error("the community's page does not link its project")
	}
	if _, page := anna.Get(alpha + "/projects"); strings.Contains(page, "Sensori") {
		t.Error("a member who is not in the project sees it in her list")
	}
	if code, _ := w.Browser(t, alpha, "facilitator").Get(alpha + "/projects/new"); code != 200 {
		t.Errorf("a facilitator may not start a project: %d", code)
	}
}
