package auth_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/mail/mailtest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

type env struct {
	t     *testing.T
	d     *dbtest.DB
	a, b  *tenant.Tenant
	smtp  *mailtest.Server
	local *auth.Local
	now   time.Time
}

func setup(t *testing.T) *env {
	ctx := context.Background()
	e := &env{t: t, d: dbtest.New(t), smtp: mailtest.Start(t), now: time.Now()}
	r, err := tenant.NewRegistry(ctx, e.d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	if e.a, err = r.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Alpha"}); err != nil {
		t.Fatal(err)
	}
	if e.b, err = r.Create(ctx, tenant.CreateParams{Slug: "beta", Name: "Beta"}); err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSMTP(e.smtp.URL(), "noreply@piazza.test")
	if err != nil {
		t.Fatal(err)
	}
	e.local = &auth.Local{Mail: sender, Now: func() time.Time { return e.now }, Window: 15 * time.Minute, MaxPerAccount: 5, MaxPerAddr: 20}
	return e
}

// in runs fn in tn's transaction and commits whatever fn's error (as the
// handlers do, so that recorded failures stay), returning fn's error.
func (e *env) in(tn *tenant.Tenant, fn func(ctx context.Context, tx bun.Tx) error) error {
	var out error
	err := db.InTenant(context.Background(), e.d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
		out = fn(ctx, tx)
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

var linkRE = regexp.MustCompile(`https?://\S+token=(\S+)`)

func tokenIn(t *testing.T, text string) string {
	t.Helper()
	m := linkRE.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no link in %q", text)
	}
	tok, err := url.QueryUnescape(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (e *env) signIn(tn *tenant.Tenant, email, pw string) (*auth.User, error) {
	return e.local.Authenticate(tenant.NewContext(context.Background(), tn), e.d.DB, email, pw, "192.0.2.1")
}

func TestRegisterVerifySignIn(t *testing.T) {
	e := setup(t)
	reg := auth.Registration{Email: "giulia.bianchi@comune.example.it", Name: "Giulia Bianchi", Password: "una password lunga"}
	if err := e.in(e.a, func(ctx context.Context, tx bun.Tx) error {
		return e.local.Register(ctx, tx, "http://alpha.piazza.test", reg)
	}); err != nil {
		t.Fatal(err)
	}
	msg := e.smtp.Wait(t, reg.Email)
	token := tokenIn(t, msg.Text)
	if _, err := e.signIn(e.a, reg.Email, reg.Password); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("sign-in before verification: %v", err)
	}
	if err := e.in(e.b, func(ctx context.Context, tx bun.Tx) error { _, err := e.local.Verify(ctx, tx, token); return err }); !errors.Is(err, auth.ErrBadLink) {
		t.Fatalf("alpha's link used at beta: %v", err)
	}
	if err := e.in(e.a, func(ctx context.Context, tx bun.Tx) error { _, err := e.local.Verify(ctx, tx, token); return err }); err != nil {
		t.Fatal(err)
	}
	if err := e.in(e.a, func(ctx context.Context, tx bun.Tx) error { _, err := e.local.Verify(ctx, tx, token); return err }); !errors.Is(err, auth.ErrBadLink) {
		t.Fatalf("verification link reused: %v", err)
	}
	u, err := e.signIn(e.a, "GIULIA.bianchi@comune.example.it", reg.Password)
	if err != nil || u.Name() != "Giulia Bianchi" {
		t.Fatalf("sign-in: %v %v", u, err)
	}
	if _, err := e.signIn(e.b, reg.Email, reg.Password); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("alpha's account signs in at beta: %v", err)
	}
	// Registering the same address again reveals nothing to the caller;
	// the owner gets a mail saying so.
	if err := e.in(e.a, func(ctx context.Context, tx bun.Tx) error {
		return e.local.Register(ctx, tx, "http://alpha.piazza.test", reg)
	}); err != nil {
		t.Fatalf("second registration: %v", err)
	}
	if n := len(e.smtp.Messages()); n != 2 {
		t.Fatalf("%d mails, want 2", n)
	}
}

func TestResetAndThrottle(t *testing.T) {
	e := setup(t)
	email := "marco.verdi@regione.example.it"
	if err := e.in(e.a, func(ctx context.Context, tx bun.Tx) error {
		return e.local.Register(ctx, tx, "http://alpha.piazza.test", auth.Registration{Email: email, Password: "la prima password"})
	}); err != nil {
		t.Fatal(err)
	}
	e.smtp.Wait(t, email)
	reset := func(addr string) string {
		before := len(e.smtp.Messages())
		if err := e.in(e.a, func(ctx context.Context, tx bun.Tx) error {
			return e.local.RequestReset(ctx, tx, "http://alpha.piazza.test", addr)
		}); err != nil {
			t.Fatal(err)
		}
		msgs := e.smtp.Messages()
		if len(msgs) != before+1 {
			t.Fatalf("%d mails to %s, want 1", len(msgs)-before, addr)
		}
		if !linkRE.MatchString(msgs[len(msgs)-1].Text) {
			return ""
		}
		return tokenIn(t, msgs[len(msgs)-1].Text)
	}
	if tok := reset("nobody@regione.example.it"); tok != "" {
		t.Fatal("a reset link went to an address without an account")
	}
	tok := reset(email)
	use := func(tok, pw string) error {
		return e.in(e.a, func(ctx context.Context, tx bun.Tx) error { _, err := e.local.Reset(ctx, tx, tok, pw); return err })
	}
	if err := use(tok, "short"); err == nil {
		t.Fatal("short password accepted")
	}
	if err := use(tok, "la seconda password"); err != nil {
		t.Fatal(err)
	}
	if err := use(tok, "la terza password!"); !errors.Is(err, auth.ErrBadLink) {
		t.Fatalf("reset link reused: %v", err)
	}
	if _, err := e.signIn(e.a, email, "la seconda password"); err != nil {
		t.Fatalf("sign-in with the new password (reset also verifies): %v", err)
	}
	expired := reset(email)
	e.now = e.now.Add(61 * time.Minute)
	if err := use(expired, "la quarta password"); !errors.Is(err, auth.ErrBadLink) {
		t.Fatalf("expired reset link: %v", err)
	}

	// Five failures lock the account for the window, even with the right password.
	for i := 0; i < 5; i++ {
		if _, err := e.signIn(e.a, email, "sbagliata!!"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if _, err := e.signIn(e.a, email, "la seconda password"); !errors.Is(err, auth.ErrThrottled) {
		t.Fatalf("after five failures: %v", err)
	}
	if _, err := e.signIn(e.a, "nobody@regione.example.it", "whatever!!"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("another account from the same address is not yet throttled: %v", err)
	}
	e.now = e.now.Add(16 * time.Minute)
	if _, err := e.signIn(e.a, email, "la seconda password"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestInvitation(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	r, err := tenant.NewRegistry(ctx, e.d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := r.Create(ctx, tenant.CreateParams{Slug: "gamma", Name: "Gamma", AdminEmail: "capo@gamma.example.it"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.in(g, func(ctx context.Context, tx bun.Tx) error {
		return e.local.Invite(ctx, tx, "http://gamma.piazza.test", "Gamma", "capo@gamma.example.it")
	}); err != nil {
		t.Fatal(err)
	}
	token := tokenIn(t, e.smtp.Wait(t, "capo@gamma.example.it").Text)
	if _, err := e.signIn(g, "capo@gamma.example.it", "la password scelta"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("invited admin signs in before accepting: %v", err)
	}
	accept := func(tn *tenant.Tenant) error {
		return e.in(tn, func(ctx context.Context, tx bun.Tx) error {
			_, err := e.local.AcceptInvite(ctx, tx, token, "la password scelta")
			return err
		})
	}
	if err := accept(e.a); !errors.Is(err, auth.ErrBadLink) {
		t.Fatalf("gamma's invitation accepted at alpha: %v", err)
	}
	if err := accept(g); err != nil {
		t.Fatal(err)
	}
	u, err := e.signIn(g, "capo@gamma.example.it", "la password scelta")
	if err != nil || !u.IsAdmin {
		t.Fatalf("invited admin: %+v %v", u, err)
	}
	if err := accept(g); !errors.Is(err, auth.ErrBadLink) {
		t.Fatalf("invitation reused: %v", err)
	}
}

// With a bundle, e-mails are written in the language of the request.
func TestMailLanguage(t *testing.T) {
	e := setup(t)
	bundle, err := i18n.New(i18n.Messages, auth.Messages)
	if err != nil {
		t.Fatal(err)
	}
	e.local.I18n = bundle
	for lang, subject := range map[string]string{"en": "Confirm your address", "it": "Conferma il tuo indirizzo"} {
		addr := lang + "@alpha.example.it"
		err := e.in(e.a, func(ctx context.Context, tx bun.Tx) error {
			ctx = i18n.NewContext(ctx, bundle.For(lang))
			return e.local.Register(ctx, tx, "http://alpha.piazza.test", auth.Registration{Email: addr, Password: "una password lunga"})
		})
		if err != nil {
			t.Fatal(err)
		}
		m := e.smtp.Wait(t, addr)
		if m.Header.Get("Subject") != subject || !strings.Contains(m.Text, "http://alpha.piazza.test/auth/verify?token=") {
			t.Errorf("%s: %q\n%s", lang, m.Header.Get("Subject"), m.Text)
		}
	}
}
