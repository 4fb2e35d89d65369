package auth_test

import (
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// Finding 2: behind a trusted proxy every visitor shares the proxy's TCP
// address, yet the throttle counts each visitor by the address the proxy
// reports: one visitor's failures lock only that visitor, and a forged
// X-Forwarded-For on the left of the proxy's does not move them elsewhere.
func TestThrottleCountsVisitorsBehindAProxy(t *testing.T) {
	e := setup(t) // 20 failures per address (MaxPerAddr)
	s := serveBehind(t, e, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	const alpha, email, pw = "http://alpha.piazza.test", "giulia.neri@alpha.example.it", "una password molto lunga"
	if res, _ := s.post(t, s.client, alpha+"/auth/register", alpha+"/auth/register",
		url.Values{"email": {email}, "password": {pw}}); res.StatusCode != 200 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	if code, _ := s.get(t, s.client, linkRE.FindString(e.smtp.Wait(t, email).Text)); code != 200 {
		t.Fatalf("verify: %d", code)
	}
	// signIn posts as the visitor at addr (as the proxy reports it, after
	// whatever the visitor put in the header).
	signIn := func(c *http.Client, forged, addr, user, password string) string {
		t.Helper()
		_, page := s.get(t, c, alpha+"/auth/login")
		req, _ := http.NewRequest("POST", alpha+"/auth/login", strings.NewReader(url.Values{"_csrf": {csrfRE.FindStringSubmatch(page)[1]},
			"email": {user}, "password": {password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", strings.TrimPrefix(forged+", "+addr, ", "))
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode == http.StatusSeeOther {
			return "signed in"
		}
		return string(b)
	}
	attacker := s.newClient()
	for i := range 20 { // a different account each time: only the address limit applies
		user := "nessuno" + string(rune('a'+i)) + "@alpha.example.it"
		signIn(attacker, "198.51.100."+string(rune('1'+i%9)), "203.0.113.66", user, "sbagliata")
	}
	if got := signIn(attacker, "", "203.0.113.66", email, pw); !strings.Contains(got, "Troppi tentativi falliti") {
		t.Fatalf("the attacker's address is not locked after 20 failures: %.200s", got)
	}
	if got := signIn(s.newClient(), "", "203.0.113.77", email, pw); got != "signed in" {
		t.Fatalf("another visitor behind the same proxy is locked out: %.200s", got)
	}
}
