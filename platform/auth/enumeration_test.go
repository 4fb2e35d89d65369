package auth_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
)

// work is what a request cost: passwords hashed or checked, mails sent,
// and how its transaction commits.
type work struct {
	Hashes, Mails int64
	Commit        string
}

// measure runs fn in alpha's transaction and tells what it cost.
func (e *env) measure(t *testing.T, hashes *atomic.Int64, fn func(ctx context.Context, tx bun.Tx) error) work {
	t.Helper()
	h0, m0 := hashes.Load(), len(e.smtp.Messages())
	var w work
	if err := e.in(e.a, func(ctx context.Context, tx bun.Tx) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT current_setting('synchronous_commit')").Scan(&w.Commit)
	}); err != nil {
		t.Fatal(err)
	}
	w.Hashes, w.Mails = hashes.Load()-h0, int64(len(e.smtp.Messages())-m0)
	return w
}

// Finding 6: whether an address is registered does not show in what a
// request costs. Registration, sign-in and reset requests run the same
// expensive steps (argon2id, one mail, a commit that does not wait for the
// disk) for a known address as for a new one.
func TestKnownAndNewAddressesCostAlike(t *testing.T) {
	e := setup(t)
	hashes := e.local.CountHashes()
	const known, pw = "elena.gallo@comune.example.it", "una password lunga"
	register := func(addr string) func(ctx context.Context, tx bun.Tx) error {
		return func(ctx context.Context, tx bun.Tx) error {
			return e.local.Register(ctx, tx, "http://alpha.piazza.test", auth.Registration{Email: addr, Password: pw})
		}
	}
	reset := func(addr string) func(ctx context.Context, tx bun.Tx) error {
		return func(ctx context.Context, tx bun.Tx) error {
			return e.local.RequestReset(ctx, tx, "http://alpha.piazza.test", addr)
		}
	}
	alike := func(what string, known, unknown, want work) {
		t.Helper()
		if known != unknown || known != want {
			t.Errorf("%s: known address %+v, new address %+v; want %+v for both", what, known, unknown, want)
		}
	}

	first := e.measure(t, hashes, register(known))
	verify := tokenIn(t, e.smtp.Wait(t, known).Text)
	if err := e.in(e.a, func(ctx context.Context, tx bun.Tx) error { _, err := e.local.Verify(ctx, tx, verify); return err }); err != nil {
		t.Fatal(err)
	}
	alike("registration", e.measure(t, hashes, register(known)), first, work{Hashes: 1, Mails: 1, Commit: "off"})

	signIn := func(addr, pw string) int64 {
		h0 := hashes.Load()
		if _, err := e.signIn(e.a, addr, pw); err == nil {
			t.Fatalf("%s signed in with %q", addr, pw)
		}
		return hashes.Load() - h0
	}
	if k, u := signIn(known, "non è la password"), signIn("nessuno@comune.example.it", pw); k != 1 || u != 1 {
		t.Errorf("sign-in checks %d passwords for a wrong one, %d for an unknown address; want 1 and 1", k, u)
	}

	alike("reset request", e.measure(t, hashes, reset(known)), e.measure(t, hashes, reset("nuovo@comune.example.it")),
		work{Hashes: 0, Mails: 1, Commit: "off"})
	if m := e.smtp.Wait(t, "nuovo@comune.example.it"); !strings.Contains(m.Text, "http://alpha.piazza.test/auth/register") {
		t.Errorf("an address without an account is not told how to register:\n%s", m.Text)
	}
}

// csrfValueRE finds the CSRF tokens of a page (each visitor has their own).
var csrfValueRE = regexp.MustCompile(`name="_csrf" value="[^"]*"|"X-CSRF-Token": "[^"]*"`)

// Finding 6: what a visitor sees (status, page) is the same for a known
// address as for an unknown one: registering, signing in with a wrong
// password, asking for a reset.
func TestKnownAndNewAddressesAnswerAlike(t *testing.T) {
	e := setup(t)
	s := serve(t, e)
	const alpha, known, pw = "http://alpha.piazza.test", "sara.fontana@alpha.example.it", "una password molto lunga"
	if res, _ := s.post(t, s.client, alpha+"/auth/register", alpha+"/auth/register",
		url.Values{"email": {known}, "password": {pw}}); res.StatusCode != 200 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	if code, _ := s.get(t, s.client, linkRE.FindString(e.smtp.Wait(t, known).Text)); code != 200 {
		t.Fatalf("verify: %d", code)
	}
	answer := func(path, addr string, form url.Values) string {
		t.Helper()
		form.Set("email", addr)
		res, body := s.post(t, s.newClient(), alpha+path, alpha+path, form)
		body = csrfValueRE.ReplaceAllString(strings.ReplaceAll(body, addr, "ADDRESS"), "CSRF")
		return res.Status + "\n" + body
	}
	for _, c := range []struct {
		what, path string
		form       func() url.Values
	}{
		{"registration", "/auth/register", func() url.Values { return url.Values{"password": {"un'altra password lunga"}} }},
		{"sign-in with a wrong password", "/auth/login", func() url.Values { return url.Values{"password": {"non è la password"}} }},
		{"reset request", "/auth/reset", func() url.Values { return url.Values{} }},
	} {
		k, u := answer(c.path, known, c.form()), answer(c.path, "nessuno."+strings.ReplaceAll(c.path, "/", "")+"@alpha.example.it", c.form())
		if k != u {
			t.Errorf("%s: a known address answers\n%s\n\nan unknown one\n%s", c.what, k, u)
		}
	}
}
