package proposal_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestInterests: a member expresses interest in a published proposal; the
// expression is read by its author, the proposer and the facilitators
// only (404 for everyone else, by id and on the proposal's page); the
// proposer evaluates it from the inbox or its page, and its author is
// notified of each decision; a closed proposal refuses a new expression
// with a clear message and writes nothing.
func TestInterests(t *testing.T) {
	w := moduletest.New(t)
	anna, bruno, carla, dario := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno"), w.Browser(t, alpha, "carla"), w.Browser(t, alpha, "dario")
	facilitator, validator, guest := w.Browser(t, alpha, "facilitator"), w.Browser(t, alpha, "validator"), w.Browser(t, alpha, "")
	// Anna's proposal, for a community Dario belongs to.
	if code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Filiera"}, "kind": {"open"}}); code != 303 {
		t.Fatal("community")
	}
	if code, _ := dario.Send(alpha+"/communities/1", alpha+"/communities/1/join", nil); code != 303 {
		t.Fatal("join")
	}
	id := write(t, anna, alpha, "Banco prova per droni", url.Values{"scope_kind": {"communities"}, "scope_communities": {"1"}, "action": {"publish"}})
	if code, page := bruno.Get(alpha + "/proposals/" + id); code != 404 {
		t.Fatalf("a member outside the community reads the proposal: %d %s", code, page[:100])
	}
	exec(t, w, `UPDATE proposals SET scope_kind = 'tenant', scope_communities = '{}' WHERE id = ?`, id)
	if _, page := bruno.Get(alpha + "/proposals/" + id); !strings.Contains(page, `id="express"`) {
		t.Fatal("a member is not offered to express interest")
	}
	if _, page := anna.Get(alpha + "/proposals/" + id); strings.Contains(page, `id="express"`) {
		t.Error("the proposer is offered to express interest in their own proposal")
	}
	b := express(t, bruno, id, "Abbiamo un hangar <b>attrezzato</b>", "submit")
	c := express(t, carla, id, "Sensori lidar", "draft")
	eoi := alpha + "/proposals/interests/" + b
	for who, br := range map[string]*moduletest.Browser{"bruno": bruno, "anna": anna, "facilitator": facilitator} {
		if code, page := br.Get(eoi); code != 200 || !strings.Contains(page, "Abbiamo un hangar &lt;b&gt;attrezzato&lt;/b&gt;") {
			t.Errorf("%s cannot read the expression: %d", who, code)
		}
	}
	for who, br := range map[string]*moduletest.Browser{"carla (another respondent)": carla, "dario (community)": dario,
		"validator": validator, "guest": guest} {
		if code, page := br.Get(eoi); code != 404 && !(who == "guest" && code == 303) || strings.Contains(page, "hangar") {
			t.Errorf("%s reads the expression: %d", who, code)
		}
		if _, page := br.Get(alpha + "/proposals/" + id); strings.Contains(page, "hangar") || strings.Contains(page, "/proposals/interests/"+b) {
			t.Errorf("%s sees the expression on the proposal's page", who)
		}
		if who == "guest" {
			continue
		}
		if code, _ := br.Send(alpha+"/proposals", eoi+"/do/relevant", nil); code != 404 {
			t.Errorf("%s decides on the expression: %d", who, code)
		}
	}
	// A draft is its author's only, even for the proposer.
	if code, _ := anna.Get(alpha + "/proposals/interests/" + c); code != 404 {
		t.Errorf("the proposer reads a draft: %d", code)
	}
	// The proposer's inbox holds the expression, decided in place.
	if _, page := anna.Get(alpha + "/dashboard/inbox"); !strings.Contains(page, "Manifestazione di interesse da valutare") || !strings.Contains(page, eoi[len(alpha):]+"/do/relevant") {
		t.Error("the proposer's inbox lacks the expression to evaluate")
	}
	if _, page := bruno.Get(alpha + "/dashboard/inbox"); strings.Contains(page, "/proposals/interests/") {
		t.Error("a respondent's inbox lists expressions")
	}
	if code, _ := bruno.Send(eoi, eoi+"/do/relevant", nil); code != 403 {
		t.Errorf("the respondent judges their own expression: %d", code)
	}
	if code, _ := anna.Send(eoi, eoi+"/do/evaluate", nil); code != 303 {
		t.Fatalf("evaluate: %d", code)
	}
	if code, _ := anna.Send(eoi, eoi+"/do/relevant", url.Values{"note": {"Ottimo, sentiamoci."}}); code != 303 {
		t.Fatalf("relevant: %d", code)
	}
	if s := state(t, w, "proposal_interests", b); s != "relevant" {
		t.Fatalf("state %s", s)
	}
	if code, _ := bruno.Send(eoi, eoi+"/do/withdraw", nil); code != 409 {
		t.Errorf("a respondent withdraws an evaluated expression: %d", code)
	}
	if _, page := bruno.Get(eoi); !strings.Contains(page, "Ottimo, sentiamoci.") || !strings.Contains(page, `id="history"`) {
		t.Error("the respondent does not read the proposer's note and the history")
	}
	n := query[int](t, w, `SELECT count(*) FROM events WHERE recipient_id = ? AND message IN ('proposal.notify.in_evaluation', 'proposal.notify.relevant')`, w.ID("alpha", "bruno"))
	if n != 2 {
		t.Errorf("the respondent was told of %d decisions, want 2", n)
	}
	if query[int](t, w, `SELECT count(*) FROM events WHERE recipient_id = ? AND message = 'proposal.notify.received'`, w.ID("alpha", "anna")) != 1 {
		t.Error("the proposer was not told of the expression received")
	}
	// Closed: a new expression is refused with a clear message, nothing written.
	if code, _ := anna.Send(alpha+"/proposals/"+id, alpha+"/proposals/"+id+"/do/close", nil); code != 303 {
		t.Fatal("close")
	}
	before := query[int](t, w, "SELECT count(*) FROM proposal_interests")
	code, page := dario.Send(alpha+"/proposals", alpha+"/proposals/"+id+"/interest", url.Values{"offer": {"Tardi"}, "action": {"submit"}})
	if code != 409 || !strings.Contains(page, "non accetta manifestazioni di interesse") {
		t.Errorf("a closed proposal takes an expression: %d", code)
	}
	if code, _ := dario.Get(alpha + "/proposals/" + id + "/interest"); code != 409 {
		t.Errorf("the form for a closed proposal: %d", code)
	}
	if code, _ := carla.Send(alpha+"/proposals", alpha+"/proposals/interests/"+c+"/do/submit", nil); code != 409 {
		t.Errorf("a draft is submitted to a closed proposal: %d", code)
	}
	if after := query[int](t, w, "SELECT count(*) FROM proposal_interests"); after != before || state(t, w, "proposal_interests", c) != "draft" {
		t.Error("a refused expression wrote something")
	}
	if code, page := dario.Get(alpha + "/proposals/" + id); code != 200 || strings.Contains(page, `id="express"`) {
		t.Errorf("a closed proposal is not readable, or still offers to express interest: %d", code)
	}
}
