package proposal_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestOtherTenant: a member of beta, signed in at beta, reaches none of
// alpha's proposals, expressions of interest, work groups or invitations
// by id on any route (404), and changes nothing.
func TestOtherTenant(t *testing.T) {
	w := moduletest.New(t)
	anna, bruno := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno")
	write(t, anna, alpha, "Prima", nil)
	id := write(t, anna, alpha, "Solo di Alpha", url.Values{"public": {"1"}, "action": {"submit"}})
	if code, _ := w.Browser(t, alpha, "validator").Send(alpha+"/proposals", alpha+"/proposals/"+id+"/do/approve", nil); code != 303 {
		t.Fatal("approve")
	}
	iid := express(t, bruno, id, "Offerta di Bruno", "submit")
	if code, _ := anna.Send(alpha+"/proposals", alpha+"/proposals/interests/"+iid+"/do/relevant", nil); code != 303 {
		t.Fatal("relevant")
	}
	if code, _ := anna.Send(alpha+"/proposals/"+id, alpha+"/proposals/"+id+"/work-group", nil); code != 303 {
		t.Fatal("work group")
	}
	// Beta has a proposal of its own with the same id, and its admin.
	admin := w.Browser(t, beta, "admin")
	res, _ := admin.Post(beta+"/proposals/new", beta+"/proposals", fields("Di Beta", url.Values{"action": {"publish"}}))
	if res.StatusCode != 303 {
		t.Fatal("beta's proposal")
	}
	before := query[string](t, w, `SELECT string_agg(state || updated_at, ',') FROM (SELECT state, updated_at FROM proposals
		UNION ALL SELECT state, updated_at FROM proposal_interests) AS x`)
	for _, who := range []string{"anna", "admin"} {
		b := w.Browser(t, beta, who)
		for _, p := range []string{"/proposals/" + id, "/proposals/" + id + "/edit", "/proposals/" + id + "/interest",
			"/proposals/interests/" + iid, "/proposals/interests/" + iid + "/edit"} {
			if code, _ := b.Get(beta + p); code != 404 {
				t.Errorf("beta's %s GET %s: %d", who, p, code)
			}
		}
		posts := map[string]url.Values{
			"/proposals/interests/" + iid + "/do/withdraw":     nil,
			"/proposals/interests/" + iid + "/do/not_relevant": nil,
			"/proposals/interests/" + iid + "/edit":            {"offer": {"presa"}},
			"/proposals/" + id + "/interest":                   {"offer": {"intrusa"}, "action": {"submit"}},
			"/proposals/" + id + "/do/close":                   nil,
			"/proposals/" + id + "/do/archive":                 nil,
			"/proposals/" + id + "/edit":                       fields("Presa", nil),
			"/proposals/" + id + "/work-group":                 nil,
			"/proposals/" + id + "/invite":                     {"kind": {"person"}, "id": {"4"}},
			"/files/proposal_interest/" + iid:                  nil,
			"/files/proposal/" + id:                            nil,
			"/comments/proposal/" + id:                         {"body": {"intruso"}},
		}
		for p, form := range posts {
			if code, _ := b.Send(beta+"/proposals", beta+p, form); code != 404 {
				t.Errorf("beta's %s POST %s: %d", who, p, code)
			}
		}
	}
	if after := query[string](t, w, `SELECT string_agg(state || updated_at, ',') FROM (SELECT state, updated_at FROM proposals
		UNION ALL SELECT state, updated_at FROM proposal_interests) AS x`); after != before {
		t.Error("beta's members changed alpha's proposals or expressions")
	}
	if n := query[int](t, w, "SELECT count(*) FROM proposal_interests WHERE offer = 'intrusa'") + query[int](t, w, "SELECT count(*) FROM proposal_invitations"); n != 0 {
		t.Error("an expression or an invitation landed in alpha")
	}
	// Alpha's pages never show beta's proposal, nor the reverse.
	if _, page := w.Browser(t, beta, "anna").Get(beta + "/proposals"); strings.Contains(page, "Solo di Alpha") {
		t.Error("beta's list shows alpha's proposal")
	}
}
