package auth_test

import (
	"errors"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/piazza-pa/piazza/platform/auth"
)

// Finding 7: thirty wrong passwords sent at once for one account get at
// most five checked (the limit); the others are refused as throttled
// without a check, and then so is the right password.
func TestConcurrentWrongPasswordsStopAtTheLimit(t *testing.T) {
	e := setup(t)
	s := serve(t, e)
	const alpha, email, pw = "http://alpha.piazza.test", "luca.ferri@alpha.example.it", "una password molto lunga"
	if res, _ := s.post(t, s.client, alpha+"/auth/register", alpha+"/auth/register",
		url.Values{"email": {email}, "password": {pw}}); res.StatusCode != 200 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	if code, _ := s.get(t, s.client, linkRE.FindString(e.smtp.Wait(t, email).Text)); code != 200 {
		t.Fatalf("verify: %d", code)
	}
	checked := e.local.CountHashes()

	attacker := s.newClient()
	_, page := s.get(t, attacker, alpha+"/auth/login")
	token := csrfRE.FindStringSubmatch(page)[1]
	const n = 30
	answers := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res, err := attacker.PostForm(alpha+"/auth/login", url.Values{"_csrf": {token}, "email": {email}, "password": {"sbagliata n. " + string(rune('a'+i))}})
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			answers[i] = string(b)
		})
	}
	wg.Wait()
	var wrong, locked int
	for _, a := range answers {
		switch {
		case strings.Contains(a, "E-mail o password errate"):
			wrong++
		case strings.Contains(a, "Troppi tentativi falliti"):
			locked++
		}
	}
	if wrong > 5 || wrong+locked != n || checked.Load() != int64(wrong) {
		t.Fatalf("%d answered wrong password, %d locked, %d passwords checked; want at most 5 checked and the rest locked", wrong, locked, checked.Load())
	}
	if _, err := e.signIn(e.a, email, pw); !errors.Is(err, auth.ErrThrottled) {
		t.Fatalf("the right password while locked: %v", err)
	}
	if checked.Load() != int64(wrong) {
		t.Fatal("a password was checked while locked")
	}
}
