package auth_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// Finding 8: changing the password signs the account out of every other
// browser (as a reset does) and keeps the browser that changed it signed
// in. The server is wired as users get it, with its cache of sessions.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	w := moduletest.New(t)
	const alpha, account = moduletest.Alpha, moduletest.Alpha + "/auth/password"
	here, there := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "anna")
	signedIn := func(b *moduletest.Browser) bool {
		code, _ := b.Get(account)
		return code == 200
	}
	if !signedIn(here) || !signedIn(there) {
		t.Fatal("both browsers should be signed in before the change")
	}

	code, page := here.Send(account, account, url.Values{"current": {moduletest.Password}, "password": {"la nuova password di Anna"}})
	if code != 200 || !strings.Contains(page, "Password cambiata.") {
		t.Fatalf("password change: %d", code)
	}
	// A request that changes something never reads the cache: the very
	// next one of the other browser is a guest's.
	if changesLanguage(there) {
		t.Error("the other browser still acts as the account after the password change")
	}
	there.Eventually(account, "the other browser is signed out", func(code int, _ string) bool { return code == 303 })
	if !signedIn(here) || !changesLanguage(here) {
		t.Fatal("the browser that changed the password was signed out")
	}
}

// changesLanguage says whether b may change its account's language (what
// only a signed-in member may do).
func changesLanguage(b *moduletest.Browser) bool {
	res, _ := b.Post(moduletest.Alpha+"/auth/password", moduletest.Alpha+"/auth/language", url.Values{"locale": {"it"}})
	println("DBG", res.StatusCode, res.Header.Get("Location"))
	return res.StatusCode == 303 && res.Header.Get("Location") == "/auth/password"
}
