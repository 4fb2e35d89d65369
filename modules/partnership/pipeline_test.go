package partnership_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestPipeline: a member's interest goes to the tenant's EEN advisors,
// who alone take each step (the member only withdraws, until it is
// closed); it is read by its author and the advisors only (404 for every
// other member); every step is in its history with its note, and the
// member is told of each one, in their language.
func TestPipeline(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	mustImport(t, w, sample(), false)
	fresh(t, w)
	advisor(t, w, w.A, "carla")
	exec(t, w, `INSERT INTO profiles (user_id, notify_frequency) VALUES (?0, 'immediate')
		ON CONFLICT (user_id) DO UPDATE SET notify_frequency = 'immediate'`, w.ID("alpha", "anna"))
	exec(t, w, "UPDATE users SET locale = 'en' WHERE id = ?", w.ID("alpha", "anna"))
	anna, bruno, carla, dario := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno"), w.Browser(t, alpha, "carla"), w.Browser(t, alpha, "dario")
	admin, validator, facilitator, guest := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "validator"), w.Browser(t, alpha, "facilitator"), w.Browser(t, alpha, "")
	id := profileID(t, w, "RDDE20261105005")
	if _, page := anna.Get(alpha + "/partnerships/" + id); !strings.Contains(page, `id="express"`) {
		t.Fatal("a member is not offered to express interest")
	}
	iid := express(t, w, anna, id, "We develop rehabilitation software for tablets.")
	private(t, id, iid, map[string]*moduletest.Browser{"anna": anna, "carla (advisor)": carla, "admin": admin},
		map[string]*moduletest.Browser{"bruno": bruno, "dario": dario, "validator": validator, "facilitator": facilitator, "guest": guest})
	path := "/partnerships/interests/" + iid
	carla.Eventually(alpha+"/notifications", "the advisor told of the new interest", func(_ int, p string) bool {
		return strings.Contains(p, "Nuovo interesse per il profilo EEN")
	})
	if _, p := carla.Get(alpha + "/dashboard/inbox"); !strings.Contains(p, path+"/do/take_over") {
		t.Error("the advisor's inbox offers no interest to take over")
	}
	if _, p := dario.Get(alpha + "/dashboard/inbox"); strings.Contains(p, "/partnerships/interests/") {
		t.Error("a member who is no advisor finds the interest in their inbox")
	}
	followUp(t, w, id, iid, anna, bruno, carla, validator)
	withdrawal(t, w, bruno, carla, id)
}

// private: the interest iid in profile id is read by readers, and by
// none of others, neither by its address nor on the profile's page.
func private(t *testing.T, id, iid string, readers, others map[string]*moduletest.Browser) {
	page := alpha + "/partnerships/interests/" + iid
	for who, b := range readers {
		if code, p := b.Get(page); code != 200 || !strings.Contains(p, "rehabilitation software for tablets") {
			t.Errorf("%s cannot read the interest: %d", who, code)
		}
	}
	for who, b := range others {
		if code, p := b.Get(page); code != 404 && !(who == "guest" && code == 303) || strings.Contains(p, "rehabilitation software") {
			t.Errorf("%s reads the interest: %d", who, code)
		}
		if _, p := b.Get(alpha + "/partnerships/" + id); strings.Contains(p, "/partnerships/interests/"+iid) {
			t.Errorf("%s sees the interest on the profile's page", who)
		}
	}
}

// followUp takes interest iid in profile id (anna's) through its steps:
// each by the advisor carla, refused to the member and to others; the
// history keeps the notes; anna is told of each step by e-mail, in
// English.
func followUp(t *testing.T, w *moduletest.World, id, iid string, anna, bruno, carla, validator *moduletest.Browser) {
	page, path := alpha+"/partnerships/interests/"+iid, "/partnerships/interests/"+iid
	step := func(b *moduletest.Browser, action, note string) int {
		code, _ := b.Send(alpha+"/partnerships/"+id, page+"/do/"+action, url.Values{"note": {note}})
		return code
	}
	// Only an advisor takes a step; the member may not, another member
	// does not even find it.
	for _, c := range []struct {
		who  string
		b    *moduletest.Browser
		want int
	}{{"anna (its author)", anna, 403}, {"bruno", bruno, 404}, {"validator", validator, 404}} {
		if code := step(c.b, "take_over", ""); code != c.want {
			t.Errorf("%s takes it over: %d, want %d", c.who, code, c.want)
		}
	}
	if code := step(carla, "take_over", "Ci penso io."); code != 303 {
		t.Fatalf("take over: %d", code)
	}
	if code := step(carla, "request_info", ""); code != 422 {
		t.Errorf("a request of information without a note: %d", code)
	}
	if code := step(carla, "request_info", "Please send your company profile."); code != 303 {
		t.Fatalf("request information: %d", code)
	}
	if _, p := anna.Get(alpha + "/dashboard/inbox"); !strings.Contains(p, path) {
		t.Error("the member's inbox does not say information is needed")
	}
	if code := step(anna, "resume", ""); code != 403 {
		t.Errorf("the member resumes the follow-up: %d", code)
	}
	for _, a := range []string{"resume", "agree"} {
		if code := step(carla, a, "Accordo firmato."); code != 303 {
			t.Fatalf("%s: %d", a, code)
		}
	}
	if code := step(anna, "withdraw", ""); code != 409 {
		t.Errorf("a concluded interest withdrawn: %d", code)
	}
	_, p := anna.Get(page)
	for _, want := range []string{"Agreement reached", "Please send your company profile.", "Ci penso io.", "Carla"} {
		if !strings.Contains(p, want) {
			t.Errorf("the member's page lacks %q", want)
		}
	}
	if n := query[int](t, w, "SELECT count(*) FROM workflow_history WHERE content_type = 'partnership_interest' AND item_id = ?", iid); n != 5 {
		t.Errorf("%d steps in the history, want 5", n)
	}
	for _, want := range []string{"has taken over your interest", "needs information on your interest", "Agreement reached on your interest"} {
		waitMail(t, w, "anna@alpha.example", want)
	}
}

// withdrawal: a member withdraws an interest an advisor took over, the
// advisor is told, and the member may express a new one.
func withdrawal(t *testing.T, w *moduletest.World, bruno, carla *moduletest.Browser, id string) {
	iid := express(t, w, bruno, id, "Siamo un ospedale interessato.")
	page := alpha + "/partnerships/interests/" + iid
	if code, _ := carla.Send(page, page+"/do/take_over", nil); code != 303 {
		t.Fatalf("take over: %d", code)
	}
	if code, _ := bruno.Send(page, page+"/do/withdraw", url.Values{"note": {"Abbiamo altri partner."}}); code != 303 {
		t.Fatalf("withdraw: %d", code)
	}
	carla.Eventually(alpha+"/notifications", "the advisor told of the withdrawal", func(_ int, p string) bool {
		return strings.Contains(p, "è stato ritirato")
	})
	if _, p := bruno.Get(alpha + "/partnerships/" + id); !strings.Contains(p, `id="express"`) {
		t.Error("after a withdrawal the member may not express a new interest")
	}
}
