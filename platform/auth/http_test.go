package auth_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/home"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// site serves e's tenants on a real listener; its client reaches every
// *.piazza.test host there, keeping cookies like a browser.
type site struct {
	e      *env
	addr   string
	client *http.Client
}

func serve(t *testing.T, e *env) *site {
	t.Helper()
	return serveBehind(t, e, nil)
}

// serveBehind is serve with the given proxies trusted (web.Config.TrustedProxies).
func serveBehind(t *testing.T, e *env, proxies []netip.Prefix) *site {
	t.Helper()
	ctx := context.Background()
	reg, err := tenant.NewRegistry(ctx, e.d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTenant(ctx, e.d.DB, e.a.Scope(), func(ctx context.Context, tx bun.Tx) error { return auth.SetLocalAccounts(ctx, tx, true) })
	if err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(e.d.DB, 10)
	if err != nil {
		t.Fatal(err)
	}
	p := csrf.New(csrf.Config{Key: bytes.Repeat([]byte{3}, 32)})
	shell, err := web.NewShellFrom(auth.Messages, home.Messages)
	if err != nil {
		t.Fatal(err)
	}
	m, err := auth.New(auth.Deps{Shell: shell, DB: e.d.DB, Sessions: session.Tenant(time.Hour, 12*time.Hour), Local: e.local,
		CSRF: p, Authz: az, Scheme: "http"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := home.New(shell)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Shell: shell, OperatorHost: "admin.piazza.test", DB: e.d.DB, TrustedProxies: proxies,
		Tenant: tenant.Middleware(tenant.NewResolver(reg)), Shared: []fiber.Handler{p.Handler(), m.Middleware(),
			shell.I18n.Middleware(func(c *fiber.Ctx) ([]string, string, string) {
				user := ""
				if u := auth.UserFromContext(c.UserContext()); u != nil {
					user = u.Locale
				}
				return i18n.Supported, i18n.Default, user
			}, false)},
		TenantModules: []web.Module{m, h}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	go func() { _ = srv.Serve(sctx, ln) }()
	t.Cleanup(cancel)
	s := &site{e: e, addr: ln.Addr().String()}
	s.client = s.newClient()
	return s
}

func (s *site) newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, s.addr)
	}
	return &http.Client{Jar: jar, Transport: &http.Transport{DialContext: dial},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (s *site) get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// post submits a form with the CSRF token of page (fetched first).
func (s *site) post(t *testing.T, c *http.Client, page, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	_, body := s.get(t, c, page)
	if m := csrfRE.FindStringSubmatch(body); m != nil && form.Get("_csrf") == "" {
		form.Set("_csrf", m[1])
	}
	res, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestSignInOverHTTP(t *testing.T) {
	e := setup(t)
	s := serve(t, e)
	const alpha, beta = "http://alpha.piazza.test", "http://beta.piazza.test"
	email, pw := "chiara.neri@alpha.example.it", "una password molto lunga"

	res, _ := s.post(t, s.client, alpha+"/auth/register", alpha+"/auth/register",
		url.Values{"email": {email}, "name": {"Chiara Neri"}, "password": {pw}})
	if res.StatusCode != 200 {
		t.Fatalf("register: %d", res.StatusCode)
	}
	link := linkRE.FindString(e.smtp.Wait(t, email).Text)
	if !strings.HasPrefix(link, alpha+"/auth/verify?token=") {
		t.Fatalf("verification link %q", link)
	}
	if code, body := s.get(t, s.client, link); code != 200 || !strings.Contains(body, "Indirizzo confermato") {
		t.Fatalf("verify: %d %s", code, body)
	}

	// Without the CSRF token the sign-in is refused.
	res, err := s.client.PostForm(alpha+"/auth/login", url.Values{"email": {email}, "password": {pw}})
	if err != nil || res.StatusCode != 403 {
		t.Fatalf("sign-in without CSRF token: %v %v", res.StatusCode, err)
	}
	res, _ = s.post(t, s.client, alpha+"/auth/login", alpha+"/auth/login",
		url.Values{"email": {email}, "password": {pw}, "return_to": {"//evil.example/steal"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/" {
		t.Fatalf("sign-in: %d to %q (an off-host return_to must become /)", res.StatusCode, res.Header.Get("Location"))
	}
	var sessionCookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == auth.CookieName {
			sessionCookie = c
		}
	}
	if sessionCookie == nil || !sessionCookie.HttpOnly || sessionCookie.Domain != "" || sessionCookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", sessionCookie)
	}
	if _, body := s.get(t, s.client, alpha+"/"); !strings.Contains(body, "Chiara Neri") {
		t.Fatalf("home after sign-in: %s", body)
	}

	// The same cookie, carried to another tenant's host, signs no one in.
	req, _ := http.NewRequest("GET", beta+"/", nil)
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: sessionCookie.Value})
	other := s.newClient()
	r2, err := other.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if strings.Contains(string(b2), "Chiara") || !strings.Contains(string(b2), "/auth/login") {
		t.Fatalf("alpha's session at beta: %s", b2)
	}
	// Beta has no local accounts: no form, and the endpoints do not exist.
	if _, body := s.get(t, other, beta+"/auth/login"); strings.Contains(body, `name="password"`) {
		t.Fatal("beta shows a password form with local accounts off")
	}
	if code, _ := s.get(t, other, beta+"/auth/register"); code != 404 {
		t.Fatalf("beta register: %d", code)
	}

	// The user's own language wins over the browser's.
	if _, body := s.get(t, s.client, alpha+"/"); !strings.Contains(body, `lang="it"`) {
		t.Fatal("default language")
	}
	if res, _ := s.post(t, s.client, alpha+"/auth/password", alpha+"/auth/language", url.Values{"locale": {"en"}}); res.StatusCode != 303 {
		t.Fatalf("language: %d", res.StatusCode)
	}
	if _, body := s.get(t, s.client, alpha+"/"); !strings.Contains(body, `lang="en"`) {
		t.Fatal("the user's language is not used")
	}
	if res, _ := s.post(t, s.client, alpha+"/auth/password", alpha+"/auth/language", url.Values{"locale": {"klingon"}}); res.StatusCode != 422 {
		t.Fatalf("unknown language: %d", res.StatusCode)
	}
	// A second browser signs in; "sign out everywhere" from the first ends both.
	second := s.newClient()
	s.post(t, second, alpha+"/auth/login", alpha+"/auth/login", url.Values{"email": {email}, "password": {pw}})
	if _, body := s.get(t, second, alpha+"/"); !strings.Contains(body, "Chiara Neri") {
		t.Fatal("second browser not signed in")
	}
	s.post(t, s.client, alpha+"/auth/password", alpha+"/auth/logout-everywhere", url.Values{})
	for i, c := range []*http.Client{s.client, second} {
		if _, body := s.get(t, c, alpha+"/"); strings.Contains(body, "Chiara Neri") {
			t.Fatalf("browser %d still signed in after sign out everywhere", i)
		}
	}

	// A failure of the database answers an error page and signs no one
	// out: once it is over, the same browser is still signed in.
	third := s.newClient()
	s.post(t, third, alpha+"/auth/login", alpha+"/auth/login", url.Values{"email": {email}, "password": {pw}})
	privilege := func(q string) {
		t.Helper()
		if err := db.InTenant(context.Background(), e.d.DB, e.a.Scope(), func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, q)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	privilege("REVOKE SELECT ON sessions FROM CURRENT_USER")
	broken, err := third.Get(alpha + "/")
	if err != nil {
		t.Fatal(err)
	}
	broken.Body.Close()
	privilege("GRANT SELECT ON sessions TO CURRENT_USER")
	for _, c := range broken.Cookies() {
		if c.Name == auth.CookieName {
			t.Errorf("a database failure cleared the session cookie (%d)", broken.StatusCode)
		}
	}
	if broken.StatusCode != 500 {
		t.Errorf("a database failure answered %d", broken.StatusCode)
	}
	if _, body := s.get(t, third, alpha+"/"); !strings.Contains(body, "Chiara Neri") {
		t.Error("signed out by a database failure")
	}

	// Sign in, then sign out: the session is gone server-side too.
	res, _ = s.post(t, s.client, alpha+"/auth/login", alpha+"/auth/login", url.Values{"email": {email}, "password": {pw}})
	var token string
	for _, c := range res.Cookies() {
		if c.Name == auth.CookieName {
			token = c.Value
		}
	}
	s.post(t, s.client, alpha+"/", alpha+"/auth/logout", url.Values{})
	replay := s.newClient()
	req, _ = http.NewRequest("GET", alpha+"/", nil)
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: token})
	r3, err := replay.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b3, _ := io.ReadAll(r3.Body)
	r3.Body.Close()
	if strings.Contains(string(b3), "Chiara Neri") {
		t.Fatal("a signed-out session token still works")
	}
}
