package exchange_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestOptIn: a tenant that does not take part neither sees nor sends
// anything: its members' exchange pages are 404, its proposals offer no
// share form and its share action is 404; its admin opts in and out (CSRF,
// audit), members of other tenants and non-admins may not.
func TestOptIn(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	anna, bruno := w.Browser(t, alpha, "anna"), w.Browser(t, beta, "bruno")
	id := publish(t, w, "Sensori per ospedali", nil)
	for _, p := range []string{"/exchange", "/exchange/1"} {
		if code, _ := anna.Get(alpha + p); code != 404 {
			t.Errorf("alpha, not taking part, GET %s: %d", p, code)
		}
	}
	if _, page := anna.Get(alpha + "/proposals/" + id); strings.Contains(page, `id="exchange-share"`) {
		t.Error("a tenant not taking part offers the share form")
	}
	if code, _ := anna.Send(alpha+"/proposals/"+id, alpha+"/exchange/share/proposal/"+id, url.Values{"action": {"share"}}); code != 404 {
		t.Errorf("share while not taking part: %d", code)
	}
	// Only alpha's admin opts alpha in, with a CSRF token.
	if code, _ := anna.Get(alpha + "/admin/exchange"); code != 403 && code != 404 {
		t.Errorf("a member reads the exchange's settings: %d", code)
	}
	if code, _ := anna.Send(alpha+"/proposals", alpha+"/admin/exchange", url.Values{"action": {"join"}}); code != 403 && code != 404 {
		t.Errorf("a member opts the tenant in: %d", code)
	}
	admin := w.Browser(t, alpha, "admin")
	if res, _ := admin.Post(alpha+"/admin/exchange", alpha+"/admin/exchange", url.Values{"action": {"join"}, "_csrf": {"forged"}}); res.StatusCode != 403 {
		t.Errorf("opt-in with a forged token: %d", res.StatusCode)
	}
	if n := control[int](t, w, "SELECT count(*) FROM piazza.exchange_members"); n != 0 {
		t.Fatalf("%d tenants take part before any admin opted in", n)
	}
	optIn(t, w, alpha, "join")
	if n := control[int](t, w, "SELECT count(*) FROM piazza.audit_log WHERE tenant_id = ? AND action = 'exchange.join'", w.A.ID); n != 1 {
		t.Errorf("opt-in audited %d times", n)
	}
	if _, page := admin.Get(alpha + "/admin/exchange"); !strings.Contains(page, `id="exchange-leave"`) {
		t.Error("the settings do not show alpha taking part")
	}
	// Shared by anna; beta, not taking part, sees nothing and sends nothing.
	shareIt(t, anna, id, "share")
	waitFor(t, anna, alpha+"/proposals/"+id, "the share form says shared", func(code int, page string) bool {
		return strings.Contains(page, `id="exchange-withdraw"`)
	})
	deadline := time.Now().Add(10 * time.Second)
	for control[int](t, w, "SELECT count(*) FROM piazza.exchange_snapshots") == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	sid := control[int64](t, w, "SELECT id FROM piazza.exchange_snapshots")
	for _, p := range []string{"/exchange", "/exchange/" + itoa(sid)} {
		if code, page := bruno.Get(beta + p); code != 404 || strings.Contains(page, "Sensori per ospedali") {
			t.Errorf("beta, not taking part, GET %s: %d", p, code)
		}
	}
	if code, _ := bruno.Send(beta+"/dashboard", beta+"/exchange/"+itoa(sid)+"/interest", url.Values{"offer": {"Intruso"}}); code != 404 {
		t.Errorf("beta, not taking part, sends an interest: %d", code)
	}
	if n := control[int](t, w, "SELECT count(*) FROM piazza.exchange_mailbox"); n != 0 {
		t.Errorf("%d letters from a tenant not taking part", n)
	}
	// Beta opts in: it sees alpha's opportunity; alpha does not see its own
	// among those of other administrations.
	optIn(t, w, beta, "join")
	waitFor(t, bruno, beta+"/exchange", "beta sees alpha's proposal", listed("Sensori per ospedali"))
	if _, page := bruno.Get(beta + "/exchange"); !strings.Contains(page, "Comune di Alpha") {
		t.Error("the opportunity does not name its tenant")
	}
	if _, page := anna.Get(alpha + "/exchange"); strings.Contains(page, "Sensori per ospedali") {
		t.Error("alpha sees its own proposal among other administrations'")
	}
	// Alpha opts out: its snapshots leave at once, its members' pages go.
	optIn(t, w, alpha, "leave")
	if n := control[int](t, w, "SELECT count(*) FROM piazza.exchange_snapshots WHERE tenant_id = ?", w.A.ID); n != 0 {
		t.Errorf("%d snapshots stay after opting out", n)
	}
	if _, page := bruno.Get(beta + "/exchange"); strings.Contains(page, "Sensori per ospedali") {
		t.Error("beta still lists the proposal of a tenant that opted out")
	}
	if code, _ := anna.Get(alpha + "/exchange"); code != 404 {
		t.Errorf("alpha's exchange after opting out: %d", code)
	}
	// In again: what it still shares comes back.
	optIn(t, w, alpha, "join")
	waitFor(t, bruno, beta+"/exchange", "the shared proposal back after opting in again", listed("Sensori per ospedali"))
}

// TestShareLifecycle: a shared proposal appears in another tenant that
// takes part within seconds, with search and filters, and disappears when
// withdrawn, closed, or when its tenant is suspended (at once); resumed,
// it comes back. Who may not share (another member) gets 404.
func TestShareLifecycle(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	optIn(t, w, alpha, "join")
	optIn(t, w, beta, "join")
	anna, carla, bruno := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "carla"), w.Browser(t, beta, "bruno")
	id := publish(t, w, "Robot agricoli", url.Values{"themes": {"agrifood"}, "kind": {"research"}, "countries": {"DE"}})
	other := publish(t, w, "Piattaforma di telemedicina", nil)
	if code, _ := carla.Send(alpha+"/proposals/"+id, alpha+"/exchange/share/proposal/"+id, url.Values{"action": {"share"}}); code != 404 {
		t.Errorf("another member shares anna's proposal: %d", code)
	}
	if _, page := carla.Get(alpha + "/proposals/" + id); strings.Contains(page, `id="exchange-share"`) {
		t.Error("another member is offered the share form")
	}
	start := time.Now()
	shareIt(t, anna, id, "share")
	shareIt(t, anna, other, "share")
	waitFor(t, bruno, beta+"/exchange", "beta sees the shared proposal", listed("Robot agricoli"))
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the shared proposal took %v to appear", d)
	}
	for q, want := range map[string]bool{
		"q=robot": true, "q=telemedicina": false, "theme=agrifood": true, "theme=health": false, "kind=research": true,
		"kind=technology": false, "country=DE": true, "country=FR": false, "type=partnership": false,
	} {
		if _, page := bruno.Get(beta + "/exchange?" + q); strings.Contains(page, "Robot agricoli") != want {
			t.Errorf("filter %s: listed %v, want %v", q, !want, want)
		}
	}
	if code, _ := bruno.Get(beta + "/exchange?after=forged"); code != 404 {
		t.Errorf("a forged cursor: %d", code)
	}
	// Edited: the snapshot follows.
	res, _ := w.Browser(t, alpha, "validator").Post(alpha+"/proposals/"+id+"/edit", alpha+"/proposals/"+id+"/edit", url.Values{
		"title": {"Robot agricoli autonomi"}, "summary": {"Nuova sintesi"}, "body": {"x"}, "offer": {"y"}, "expected": {"z"},
		"kind": {"research"}, "trl": {"5"}, "ip_status": {"pending"}, "themes": {"agrifood"}, "countries": {"DE"}, "languages": {"it"},
		"language": {"it"}, "scope_kind": {"tenant"}})
	if res.StatusCode != 303 {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	waitFor(t, bruno, beta+"/exchange", "the edited title", listed("Robot agricoli autonomi"))
	// Withdrawn: gone.
	shareIt(t, anna, id, "withdraw")
	waitFor(t, bruno, beta+"/exchange", "withdrawn", unlisted("Robot agricoli"))
	// Shared again, then closed by its proposer: gone.
	shareIt(t, anna, id, "share")
	waitFor(t, bruno, beta+"/exchange", "shared again", listed("Robot agricoli"))
	if code, _ := anna.Send(alpha+"/proposals/"+id, alpha+"/proposals/"+id+"/do/close", nil); code != 303 {
		t.Fatalf("close: %d", code)
	}
	waitFor(t, bruno, beta+"/exchange", "closed", unlisted("Robot agricoli"))
	// Suspended: the other proposal leaves at once; resumed, it is back.
	if _, err := w.Reg.Suspend(t.Context(), "alpha"); err != nil {
		t.Fatal(err)
	}
	if n := control[int](t, w, "SELECT count(*) FROM piazza.exchange_snapshots WHERE tenant_id = ?", w.A.ID); n != 0 {
		t.Errorf("%d snapshots of a suspended tenant", n)
	}
	if _, page := bruno.Get(beta + "/exchange"); strings.Contains(page, "telemedicina") {
		t.Error("beta lists a suspended tenant's proposal")
	}
	if _, err := w.Reg.Resume(t.Context(), "alpha"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, bruno, beta+"/exchange", "back after resuming", listed("Piattaforma di telemedicina"))
	// Deleted: gone at once.
	if _, err := w.Reg.Delete(t.Context(), "alpha"); err != nil {
		t.Fatal(err)
	}
	if n := control[int](t, w, "SELECT count(*) FROM piazza.exchange_snapshots WHERE tenant_id = ?", w.A.ID); n != 0 {
		t.Errorf("%d snapshots of a deleted tenant", n)
	}
}
