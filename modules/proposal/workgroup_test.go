package proposal_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestWorkGroup: the proposer turns the relevant respondents into a
// closed community they manage, linked with the proposal both ways; a
// respondent judged not relevant (or still waiting) never enters it; one
// judged relevant later is added with one button; nobody else may do it.
func TestWorkGroup(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	b := map[string]*moduletest.Browser{}
	for _, p := range []string{"bruno", "carla", "dario", "facilitator"} {
		b[p] = w.Browser(t, alpha, p)
	}
	id := write(t, w.Browser(t, alpha, "validator"), alpha, "Laboratorio condiviso", url.Values{"action": {"publish"}})
	exec(t, w, "UPDATE proposals SET author_id = ? WHERE id = ?", w.ID("alpha", "anna"), id)
	page := alpha + "/proposals/" + id
	eoi := map[string]string{}
	for _, p := range []string{"bruno", "carla", "dario"} {
		eoi[p] = express(t, b[p], id, "Offerta di "+p, "submit")
	}
	decide := func(who, action string) {
		t.Helper()
		if code, _ := anna.Send(page, alpha+"/proposals/interests/"+eoi[who]+"/do/"+action, nil); code != 303 {
			t.Fatalf("%s %s: %d", action, who, code)
		}
	}
	if code, body := anna.Send(page, page+"/work-group", nil); code != 409 || !strings.Contains(body, "Nessun rispondente") {
		t.Errorf("a work group with nobody relevant: %d", code)
	}
	decide("bruno", "relevant")
	decide("carla", "not_relevant")
	for _, who := range []string{"bruno", "facilitator"} {
		if code, _ := b[who].Send(page, page+"/work-group", nil); code != 403 {
			t.Errorf("%s makes the work group: %d", who, code)
		}
	}
	if _, p := anna.Get(page); !strings.Contains(p, `id="do-work-group"`) {
		t.Fatal("the proposer is not offered to make the work group")
	}
	if code, _ := anna.Send(page, page+"/work-group", nil); code != 303 {
		t.Fatal("work group")
	}
	group := query[int64](t, w, "SELECT work_group_id FROM proposals WHERE id = ?", id)
	members := func() string {
		return query[string](t, w, `SELECT string_agg(u.display_name || ':' || m.role || ':' || m.state, ',' ORDER BY u.display_name)
			FROM community_members AS m JOIN users AS u ON u.id = m.user_id WHERE m.community_id = ?`, group)
	}
	if got := members(); got != "Anna:manager:active,Bruno:participant:active" {
		t.Errorf("the work group's members: %s", got)
	}
	if kind := query[string](t, w, "SELECT kind FROM communities WHERE id = ?", group); kind != "closed" {
		t.Errorf("the work group is %s", kind)
	}
	g := alpha + "/communities/" + itoa(group)
	if _, p := b["bruno"].Get(g); !strings.Contains(p, `id="origin"`) || !strings.Contains(p, `href="/proposals/`+id+`"`) {
		t.Error("the work group's page does not say it was born from the proposal")
	}
	if code, _ := b["carla"].Get(g); code != 404 {
		t.Errorf("a respondent judged not relevant sees the closed work group: %d", code)
	}
	// Dario judged relevant later: one button adds him, Carla never.
	decide("dario", "relevant")
	if _, p := anna.Get(page); !strings.Contains(p, "Aggiungi i nuovi rispondenti pertinenti (1)") {
		t.Error("the proposer is not offered to add the new relevant respondent")
	}
	if code, _ := anna.Send(page, page+"/work-group", nil); code != 303 {
		t.Fatal("add")
	}
	if got := members(); got != "Anna:manager:active,Bruno:participant:active,Dario:participant:active" {
		t.Errorf("after adding: %s", got)
	}
	if _, p := anna.Get(page); strings.Contains(p, `id="do-work-group"`) || !strings.Contains(p, `id="work-group-link"`) {
		t.Error("once everyone relevant is in, the page still offers to add, or does not link the group")
	}
}
