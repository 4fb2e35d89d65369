package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/console"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func TestOperatorSignIn(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	reg, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Create(ctx, tenant.CreateParams{Slug: "lazio", Name: "Regione Lazio"}); err != nil {
		t.Fatal(err)
	}
	if _, err := operator.Create(ctx, d.DB, "ops@regione.example.it", "Ops", "password dell'operatore"); err != nil {
		t.Fatal(err)
	}
	p := csrf.New(csrf.Config{Key: make([]byte, 32)})
	shell, err := web.NewShellFrom(auth.Messages, console.Messages)
	if err != nil {
		t.Fatal(err)
	}
	con, err := console.New(console.Deps{Shell: shell, DB: d.DB, Registry: reg, Sessions: session.Operator(time.Hour, time.Hour), CSRF: p,
		Throttle: &auth.Throttle{Table: "piazza.operator_auth_failures", Window: time.Minute, MaxPerAccount: 3, MaxPerAddr: 100}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Shell: shell, OperatorHost: "admin.piazza.test", DB: d.DB,
		Tenant: tenant.Middleware(tenant.NewResolver(reg)), Shared: []fiber.Handler{p.Handler()}, OperatorModules: []web.Module{con}})
	if err != nil {
		t.Fatal(err)
	}
	cookies := map[string]*http.Cookie{}
	do := func(method, path string, form url.Values) (*http.Response, string) {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req := httptest.NewRequest(method, "http://admin.piazza.test"+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		res, err := srv.App().Test(req)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Cookies() {
			cookies[c.Name] = c
		}
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	_, page := do("GET", "/", nil)
	if strings.Contains(page, "Regione Lazio") || !strings.Contains(page, `name="password"`) {
		t.Fatalf("signed out, the console shows: %s", page)
	}
	token := csrfRE.FindStringSubmatch(page)[1]
	if res, _ := do("POST", "/login", url.Values{"email": {"ops@regione.example.it"}, "password": {"password dell'operatore"}}); res.StatusCode != 403 {
		t.Fatalf("sign-in without CSRF token: %d", res.StatusCode)
	}
	if res, body := do("POST", "/login", url.Values{"_csrf": {token}, "email": {"ops@regione.example.it"}, "password": {"sbagliata"}}); res.StatusCode != 401 || !strings.Contains(body, "E-mail o password errate") {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	if res, _ := do("POST", "/login", url.Values{"_csrf": {token}, "email": {"ops@regione.example.it"}, "password": {"password dell'operatore"}}); res.StatusCode != 303 {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	if c := cookies["piazza_session"]; c == nil || !c.HttpOnly || c.Domain != "" {
		t.Fatalf("operator session cookie %+v", c)
	}
	_, page = do("GET", "/", nil)
	if !strings.Contains(page, "Regione Lazio") || !strings.Contains(page, "lazio.piazza.test") {
		t.Fatalf("signed in, the console shows: %s", page)
	}
	// Two more failures make three for the account: the right password is then refused too.
	for i := 0; i < 2; i++ {
		do("POST", "/login", url.Values{"_csrf": {csrfRE.FindStringSubmatch(page)[1]}, "email": {"ops@regione.example.it"}, "password": {"sbagliata"}})
	}
	if res, body := do("POST", "/login", url.Values{"_csrf": {csrfRE.FindStringSubmatch(page)[1]}, "email": {"ops@regione.example.it"}, "password": {"password dell'operatore"}}); res.StatusCode != 429 || !strings.Contains(body, "Troppi tentativi") {
		t.Fatalf("throttled operator: %d", res.StatusCode)
	}
	if _, page = do("GET", "/", nil); !strings.Contains(page, "Regione Lazio") {
		t.Fatalf("signed in, the console shows: %s", page)
	}
	token = csrfRE.FindStringSubmatch(page)[1]
	do("POST", "/logout", url.Values{"_csrf": {token}})
	if _, page = do("GET", "/", nil); strings.Contains(page, "Regione Lazio") {
		t.Fatal("still signed in after signing out")
	}
}
