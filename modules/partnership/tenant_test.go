package partnership_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestOtherTenant: members of beta, signed in at beta (its admin, who
// advises there, among them), reach none of alpha's profiles, interests
// or keyword mapping by id on any route (404), and change nothing.
func TestOtherTenant(t *testing.T) {
	w := moduletest.New(t)
	mustImport(t, w, sample(), false)
	fresh(t, w)
	advisor(t, w, w.A, "carla")
	id := profileID(t, w, "RDDE20261105005")
	iid := express(t, w, w.Browser(t, alpha, "anna"), id, "Solo di Alpha")
	kid := fmt.Sprint(query[int64](t, w, "INSERT INTO partnership_keywords (keyword, theme) VALUES ('telemedicine', 'health') RETURNING id"))
	state := func() string {
		return query[string](t, w, `SELECT string_agg(x, ',') FROM (SELECT state || updated_at AS x FROM partnerships
			UNION ALL SELECT state || updated_at FROM partnership_interests UNION ALL SELECT keyword FROM partnership_keywords) AS s`)
	}
	before := state()
	for _, who := range []string{"anna", "carla", "admin"} {
		b := w.Browser(t, beta, who)
		for _, p := range []string{"/partnerships/" + id, "/partnerships/" + id + "/interest", "/partnerships/interests/" + iid} {
			if code, _ := b.Get(beta + p); code != 404 {
				t.Errorf("beta's %s GET %s: %d", who, p, code)
			}
		}
		posts := map[string]url.Values{
			"/partnerships/" + id + "/interest":                {"message": {"intrusa"}},
			"/partnerships/interests/" + iid + "/do/take_over": nil,
			"/partnerships/interests/" + iid + "/do/withdraw":  nil,
			"/partnerships/" + id + "/do/archive":              nil,
		}
		if who == "admin" {
			posts["/admin/partnerships/keywords/"+kid+"/remove"] = nil
		}
		for p, form := range posts {
			if code, _ := b.Send(beta+"/partnerships", beta+p, form); code != 404 {
				t.Errorf("beta's %s POST %s: %d", who, p, code)
			}
		}
		if _, page := b.Get(beta + "/partnerships"); strings.Contains(page, "tele-rehabilitation") {
			t.Errorf("beta's list shows alpha's profile to %s", who)
		}
	}
	if after := state(); after != before {
		t.Error("beta's members changed alpha's profiles, interests or mapping")
	}
	if n := query[int](t, w, "SELECT count(*) FROM partnership_interests WHERE message = 'intrusa'"); n != 0 {
		t.Error("an interest from beta landed in alpha")
	}
}
