package console_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

const (
	consoleSite = "http://admin.piazza.test"
	opsEmail    = "operatrice@regione.example.it"
	opsPassword = "password dell'operatore"
)

// startProvider runs an OpenID provider in-process on 127.0.0.1 whose
// client "piazza-<slug>" (secret "<slug>-secret") returns to provider key
// "oidc" of the tenant slug; its user test-user@127.0.0.1 (password
// verysecure) has the verified address test-user@zitadel.ch.
func startProvider(t *testing.T, slug string) (issuer string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer = "http://" + ln.Addr().String() + "/"
	clients := map[string]*storage.Client{"piazza-" + slug: storage.WebClient("piazza-"+slug, slug+"-secret",
		"http://"+slug+".piazza.test/auth/oidc/oidc/callback")}
	st := storage.NewStorageWithClients(storage.NewUserStore(issuer), clients)
	srv := &http.Server{Handler: exampleop.SetupServer(issuer, st, slog.New(slog.NewTextHandler(io.Discard, nil)), false)}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return issuer
}

// operatorBrowser is a browser signed in on the console as an operator.
func operatorBrowser(t *testing.T, w *moduletest.World) context.Context {
	t.Helper()
	if _, err := operator.Create(context.Background(), w.DB.DB, opsEmail, "Operatrice", opsPassword); err != nil {
		t.Fatal(err)
	}
	ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	err := chromedp.Do(ctx, chromedp.Navigate(consoleSite+"/"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), opsEmail), chromedp.SendKeys(chromedp.CSS("#password"), opsPassword),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS("#slug")))
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// createTenant fills the console's creation form and waits for its answer.
func createTenant(t *testing.T, ctx context.Context, fields map[string]string, local bool) string {
	t.Helper()
	actions := []chromedp.Action[chromedp.Void]{chromedp.Navigate(consoleSite + "/"), chromedp.WaitVisible(chromedp.CSS("#slug"))}
	for id, v := range fields {
		actions = append(actions, chromedp.SendKeys(chromedp.CSS("#"+id), v))
	}
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
	if !local { // untick local accounts (a DOM click: the styled box is covered by its label)
		checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const c = document.getElementById("local"); if (c.checked) c.click(); return c.checked })()`))
		if err != nil || checked {
			t.Fatalf("local accounts still ticked (%v)", err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Submit(chromedp.CSS("#slug")), chromedp.WaitVisible(chromedp.CSS(".alert"))); err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".alert")))
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

var inviteRE = regexp.MustCompile(`http://[a-z.]+/auth/invite\?token=\S+`)

// An operator creates a tenant with a local first admin from the console:
// the invitation arrives, the admin chooses a password, signs in and sees
// the admin area; the console's tenant page shows local accounts on.
func TestOnboardingLocalAccount(t *testing.T) {
	w := moduletest.New(t)
	ctx := operatorBrowser(t, w)
	msg := createTenant(t, ctx, map[string]string{"slug": "gamma", "name": "Comune di Gamma", "admin_email": "sindaco@gamma.example"}, true)
	if !strings.Contains(msg, "gamma") || !strings.Contains(msg, "sindaco@gamma.example") {
		t.Fatalf("after creation the console says %q", msg)
	}
	link := inviteRE.FindString(w.SMTP.Wait(t, "sindaco@gamma.example").Text)
	if !strings.HasPrefix(link, "http://gamma.piazza.test/auth/invite?token=") {
		t.Fatalf("invitation link %q", link)
	}
	admin := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	err := chromedp.Do(admin, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#password"), "una password per gamma"), chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitNotPresent(chromedp.CSS("#password")),
		chromedp.Navigate("http://gamma.piazza.test/auth/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "sindaco@gamma.example"), chromedp.SendKeys(chromedp.CSS("#password"), "una password per gamma"),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS("#user-menu-toggle")),
		chromedp.Navigate("http://gamma.piazza.test/admin"), chromedp.WaitVisible(chromedp.CSS("#idps-title")))
	if err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(admin, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	if title != "Amministrazione" && title != "Administration" {
		t.Fatalf("the new admin sees %q at /admin", title)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(consoleSite+"/tenants/gamma"), chromedp.WaitVisible(chromedp.CSS("#local-accounts"))); err != nil {
		t.Fatal(err)
	}
	local, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#local-accounts")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(local, "Turn local accounts off") && !strings.Contains(local, "Disattiva gli account locali") {
		t.Fatalf("the tenant page says of local accounts: %q", local)
	}
}

// The same journey with an OpenID Connect provider as the only way in:
// checked at creation, the admin signs in through it (linked by their
// verified address) and sees the admin area; no invitation is mailed.
func TestOnboardingOIDC(t *testing.T) {
	w := moduletest.New(t)
	issuer := startProvider(t, "delta")
	ctx := operatorBrowser(t, w)
	msg := createTenant(t, ctx, map[string]string{"slug": "delta", "name": "Comune di Delta", "admin_email": "test-user@zitadel.ch",
		"idp_issuer": issuer, "idp_client_id": "piazza-delta", "idp_client_secret": "delta-secret", "idp_label": "Regione"}, false)
	if !strings.Contains(msg, "http://delta.piazza.test/auth/oidc/oidc/callback") {
		t.Fatalf("after creation the console says %q", msg)
	}
	admin := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	err := chromedp.Do(admin, chromedp.Navigate("http://delta.piazza.test/auth/login"), chromedp.WaitVisible(chromedp.CSS(`a[href^="/auth/oidc/oidc/login"]`)),
		chromedp.Click(chromedp.CSS(`a[href^="/auth/oidc/oidc/login"]`)), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "test-user@127.0.0.1"), chromedp.SendKeys(chromedp.CSS("#password"), "verysecure"), chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("#user-menu-toggle")),
		chromedp.Navigate("http://delta.piazza.test/admin"), chromedp.WaitVisible(chromedp.CSS("#idps-title")))
	if err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(admin, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	if title != "Amministrazione" && title != "Administration" {
		t.Fatalf("the admin signed in through the provider sees %q at /admin", title)
	}
	for _, m := range w.SMTP.Messages() {
		if m.To == "test-user@zitadel.ch" {
			t.Fatalf("an invitation was mailed although the provider is the only way in: %s", m.Text)
		}
	}
}
