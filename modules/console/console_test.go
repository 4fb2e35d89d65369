package console_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/console"
	"github.com/piazza-pa/piazza/modules/home"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/onboard"
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
	shell, err := web.NewShellFrom(auth.Messages, console.Messages, home.Messages)
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.New(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	onb := &onboard.Onboarder{DB: d.DB, Registry: reg, IdPs: idp.NewStore(d.DB, box), Check: (&idp.Flow{}).Check, Local: &auth.Local{}, Scheme: "http"}
	con, err := console.New(console.Deps{Shell: shell, DB: d.DB, Registry: reg, Sessions: session.Operator(time.Hour, time.Hour), CSRF: p, Onboard: onb,
		Throttle: &auth.Throttle{Table: "piazza.operator_auth_failures", Window: time.Minute, MaxPerAccount: 3, MaxPerAddr: 100}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := home.New(shell)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Shell: shell, OperatorHost: "admin.piazza.test", DB: d.DB,
		Tenant: tenant.Middleware(tenant.NewResolver(reg)), Shared: []fiber.Handler{p.Handler()}, OperatorModules: []web.Module{con},
		TenantModules: []web.Module{h}})
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
		req.RequestURI = req.URL.RequestURI() // the host goes in a Host header, as browsers send it
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if method == "UPLOAD" { // path is the CSRF token, form["csv"] the file
			var buf bytes.Buffer
			w := multipart.NewWriter(&buf)
			_ = w.WriteField("_csrf", path)
			fw, _ := w.CreateFormFile("file", "tenants.csv")
			_, _ = fw.Write([]byte(form.Get("csv")))
			w.Close()
			req = httptest.NewRequest("POST", "http://admin.piazza.test/import", &buf)
			req.RequestURI = req.URL.RequestURI()
			req.Header.Set("Content-Type", w.FormDataContentType())
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		res, err := srv.App().Test(req, -1)
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

	// Tenants from the console: bad input is refused with the reason, nothing half-made.
	if res, body := do("POST", "/tenants", url.Values{"_csrf": {token}, "slug": {"Bad Slug"}, "name": {"X"}}); res.StatusCode != 422 ||
		!regexp.MustCompile(`id="slug"[^>]*aria-invalid="true"[^>]*><div class="invalid-feedback d-block" id="slug-error">[^<]*lower-case`).MatchString(body) {
		t.Fatalf("bad slug, shown next to the slug field: %d %s", res.StatusCode, body)
	}
	if res, body := do("POST", "/tenants", url.Values{"_csrf": {token}, "slug": {"marche"}, "name": {"Marche"}, "hosts": {"lazio.piazza.test"}}); res.StatusCode != 422 ||
		!regexp.MustCompile(`id="hosts-error">[^<]*lazio.piazza.test`).MatchString(body) {
		t.Fatalf("taken host, shown next to the hosts field: %d", res.StatusCode)
	}
	if res, body := do("POST", "/tenants", url.Values{"_csrf": {token}, "slug": {"umbria"}, "name": {"Regione Umbria"}, "hosts": {"partecipa.umbria.example.it"}}); res.StatusCode != 201 || !strings.Contains(body, "partecipa.umbria.example.it") {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	// The new tenant answers on its hosts right away.
	for _, h := range []string{"umbria.piazza.test", "partecipa.umbria.example.it"} {
		req := httptest.NewRequest("GET", "http://"+h+"/", nil)
		req.RequestURI = req.URL.RequestURI() // the host goes in a Host header, as browsers send it
		res, err := srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || !strings.Contains(string(b), "Regione Umbria") {
			t.Fatalf("%s right after creation: %d", h, res.StatusCode)
		}
	}
	if _, body := do("GET", "/?q=umbria", nil); !strings.Contains(body, "Regione Umbria") || strings.Contains(body, "Regione Lazio") {
		t.Fatal("search does not filter")
	}
	if res, _ := do("POST", "/tenants/umbria/suspend", url.Values{"_csrf": {token}}); res.StatusCode != 200 {
		t.Fatalf("suspend: %d", res.StatusCode)
	}
	if res, _ := do("POST", "/tenants/umbria/delete", url.Values{"_csrf": {token}, "confirm": {"umbri"}}); res.StatusCode != 422 {
		t.Fatalf("delete with a mistyped slug: %d", res.StatusCode)
	}
	if tn, _ := reg.Get(ctx, "umbria"); tn.Status != tenant.StatusSuspended {
		t.Fatalf("a mistyped confirmation deleted the tenant (%s)", tn.Status)
	}
	res, body := do("POST", "/tenants/umbria/delete", url.Values{"_csrf": {token}, "confirm": {"umbria"}})
	if res.StatusCode != 200 || !strings.Contains(body, "tenant.delete") || !strings.Contains(body, "tenant.suspend") || !strings.Contains(body, "tenant.create") {
		t.Fatalf("delete, and the audit log on the tenant's page: %d %s", res.StatusCode, body)
	}
	csv := "slug,name,hosts,admin_email\nmarche,Regione Marche\nBAD,Bad\n"
	if res, body := upload(t, do, token, csv); res.StatusCode != 422 || !strings.Contains(body, "Riga 3") {
		t.Fatalf("import with a bad row: %d", res.StatusCode)
	}
	if _, err := reg.Get(ctx, "marche"); err == nil {
		t.Fatal("a file with a bad row provisioned its good rows")
	}
	do("POST", "/logout", url.Values{"_csrf": {token}})
	// Signed out: the console's actions are refused.
	if res, _ := do("POST", "/tenants/lazio/suspend", url.Values{"_csrf": {token}}); res.StatusCode != 403 {
		t.Fatalf("action without an operator session: %d", res.StatusCode)
	}
	if _, page = do("GET", "/", nil); strings.Contains(page, "Regione Lazio") {
		t.Fatal("still signed in after signing out")
	}
}

// upload posts a CSV file to the import form.
func upload(t *testing.T, do func(string, string, url.Values) (*http.Response, string), token, csv string) (*http.Response, string) {
	t.Helper()
	return do("UPLOAD", token, url.Values{"csv": {csv}})
}

// A tenant's session, even with its token copied onto the operator host,
// opens nothing of the console.
func TestTenantSessionIsNoOperator(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	reg, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	alpha, err := reg.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Alpha", AdminEmail: "admin@alpha.example"})
	if err != nil {
		t.Fatal(err)
	}
	var token string
	err = db.InTenant(ctx, d.DB, alpha.Scope(), func(ctx context.Context, tx bun.Tx) error {
		token, err = session.Tenant(time.Hour, time.Hour).Create(ctx, tx, &session.Session{UserID: alpha.AdminUserID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	shell, _ := web.NewShellFrom(auth.Messages, console.Messages)
	p := csrf.New(csrf.Config{Key: make([]byte, 32)})
	box, err := secret.New(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	onb := &onboard.Onboarder{DB: d.DB, Registry: reg, IdPs: idp.NewStore(d.DB, box), Check: (&idp.Flow{}).Check, Local: &auth.Local{}, Scheme: "http"}
	con, err := console.New(console.Deps{Shell: shell, DB: d.DB, Registry: reg, Sessions: session.Operator(time.Hour, time.Hour), CSRF: p, Onboard: onb,
		Throttle: &auth.Throttle{Table: "piazza.operator_auth_failures", Window: time.Minute, MaxPerAccount: 3, MaxPerAddr: 100}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Shell: shell, OperatorHost: "admin.piazza.test", DB: d.DB,
		Tenant: tenant.Middleware(tenant.NewResolver(reg)), Shared: []fiber.Handler{p.Handler()}, OperatorModules: []web.Module{con}})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "http://admin.piazza.test/", nil)
	req.RequestURI = req.URL.RequestURI() // the host goes in a Host header, as browsers send it
	req.AddCookie(&http.Cookie{Name: session.CookieName, Value: token})
	res, _ := srv.App().Test(req, -1)
	b, _ := io.ReadAll(res.Body)
	if strings.Contains(string(b), "Alpha") || !strings.Contains(string(b), `name="password"`) {
		t.Fatalf("a tenant session on the operator host: %s", b)
	}
	// With a valid CSRF token, so that only the missing operator refuses it.
	form := url.Values{"_csrf": {csrfRE.FindStringSubmatch(string(b))[1]}}
	req = httptest.NewRequest("POST", "http://admin.piazza.test/tenants/alpha/suspend", strings.NewReader(form.Encode()))
	req.RequestURI = req.URL.RequestURI()
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: session.CookieName, Value: token})
	for _, c := range res.Cookies() {
		req.AddCookie(c)
	}
	if res, _ := srv.App().Test(req, -1); res.StatusCode != 403 {
		t.Fatalf("a tenant session suspends a tenant: %d", res.StatusCode)
	}
	if tn, _ := reg.Get(ctx, "alpha"); tn.Status != tenant.StatusActive {
		t.Fatal("the tenant was suspended")
	}
}
