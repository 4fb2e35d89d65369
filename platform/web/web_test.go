package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/console"
	"github.com/piazza-pa/piazza/modules/home"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/pgnotify"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// panicky and slow are test-only routes.
type testRoutes struct{ release chan struct{} }

func (tr testRoutes) Routes(r fiber.Router) {
	r.Get("/panic", func(*fiber.Ctx) error { panic("secret internal detail") })
	r.Get("/slow", func(c *fiber.Ctx) error {
		<-tr.release
		return c.SendString("slow done")
	})
}

type fixture struct {
	d   *dbtest.DB
	reg *tenant.Registry
	srv *web.Server
	tr  testRoutes
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: dbtest.New(t), tr: testRoutes{release: make(chan struct{})}}
	var err error
	f.reg, err = tenant.NewRegistry(ctx, f.d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = newServer(t, f, tenant.NewResolver(f.reg))
	return f
}

func newServer(t *testing.T, f *fixture, res *tenant.Resolver) *web.Server {
	t.Helper()
	shell, err := web.NewShellFrom(auth.Messages, home.Messages, console.Messages)
	if err != nil {
		t.Fatal(err)
	}
	h, err := home.New(shell)
	if err != nil {
		t.Fatal(err)
	}
	p := csrf.New(csrf.Config{Key: make([]byte, 32)})
	con, err := console.New(console.Deps{DB: f.d.DB, Registry: f.reg, Sessions: session.Operator(time.Hour, time.Hour), CSRF: p, Shell: shell,
		Throttle: &auth.Throttle{Table: "piazza.operator_auth_failures", Window: time.Minute, MaxPerAccount: 3, MaxPerAddr: 100}})
	if err != nil {
		t.Fatal(err)
	}
	langs := func(*fiber.Ctx) ([]string, string, string) { return i18n.Supported, i18n.Default, "" }
	srv, err := web.New(web.Config{
		OperatorHost: "admin.piazza.test", DB: f.d.DB, Tenant: tenant.Middleware(res),
		Shell: shell, Language: shell.I18n.Middleware(langs, false),
		Shared:        []fiber.Handler{p.Handler()},
		TenantModules: []web.Module{h, f.tr}, OperatorModules: []web.Module{con},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func (f *fixture) get(t *testing.T, host, path string) (int, http.Header, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "http://"+host+path, nil)
	req.RequestURI = req.URL.RequestURI() // the host goes in a Host header, as browsers send it
	res, err := f.srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

type scenario struct {
	name, host, path string
	status           int
	has, hasNot      []string
}

func (f *fixture) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, s := range scenarios {
		status, _, body := f.get(t, s.host, s.path)
		if status != s.status {
			t.Errorf("%s: status %d, want %d\n%s", s.name, status, s.status, body)
		}
		for _, w := range s.has {
			if !strings.Contains(body, w) {
				t.Errorf("%s: body lacks %q", s.name, w)
			}
		}
		for _, w := range s.hasNot {
			if strings.Contains(body, w) {
				t.Errorf("%s: body shows %q", s.name, w)
			}
		}
	}
}

func TestTenantResolution(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	if _, err := f.reg.Create(ctx, tenant.CreateParams{Slug: "lazio", Name: "Regione Lazio", Hosts: []string{"partecipa.regione.lazio.it"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Create(ctx, tenant.CreateParams{Slug: "umbria", Name: `Regione <script>alert(1)</script> Umbria`}); err != nil {
		t.Fatal(err)
	}
	f.run(t, []scenario{
		{"tenant host", "lazio.piazza.test", "/", 200, []string{"<h1>Regione Lazio</h1>"}, []string{"Umbria"}},
		{"tenant's own domain", "partecipa.regione.lazio.it", "/", 200, []string{"Regione Lazio"}, nil},
		{"host is case-insensitive", "LAZIO.piazza.test", "/", 200, []string{"Regione Lazio"}, nil},
		{"another tenant", "umbria.piazza.test", "/", 200, []string{"Regione &lt;script&gt;alert(1)&lt;/script&gt; Umbria"}, []string{"<script>alert(1)", "Lazio"}},
		{"unknown host", "nowhere.piazza.test", "/", 404, []string{"Pagina non trovata"}, []string{"Lazio"}},
		{"unknown path", "lazio.piazza.test", "/no/such/page", 404, []string{"Pagina non trovata"}, nil},
		{"operator host", "admin.piazza.test", "/", 200, []string{"console"}, []string{"Lazio"}},
		{"health on any host", "whatever.example", "/healthz", 200, []string{"ok"}, nil},
		{"ready", "whatever.example", "/readyz", 200, []string{"ready"}, nil},
	})

	steps := []struct {
		do     func() error
		status int
	}{
		{func() error { _, err := f.reg.Suspend(ctx, "lazio"); return err }, 503},
		{func() error { _, err := f.reg.Resume(ctx, "lazio"); return err }, 200},
		{func() error { _, err := f.reg.Delete(ctx, "lazio"); return err }, 404},
		{func() error { _, err := f.reg.Restore(ctx, "lazio"); return err }, 503},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatal(err)
		}
		status, h, body := f.get(t, "lazio.piazza.test", "/")
		if status != s.status {
			t.Fatalf("step %d: status %d, want %d", i, status, s.status)
		}
		if status == 503 && (h.Get("Retry-After") == "" || !strings.Contains(body, "Questo sito è sospeso")) {
			t.Fatalf("suspended page: %v %s", h, body)
		}
		if status != 200 && strings.Contains(body, "Regione Lazio") {
			t.Fatalf("step %d shows the tenant's name", i)
		}
	}
}

func TestPanicPage(t *testing.T) {
	f := setup(t)
	if _, err := f.reg.Create(context.Background(), tenant.CreateParams{Slug: "lazio", Name: "Regione Lazio"}); err != nil {
		t.Fatal(err)
	}
	status, h, body := f.get(t, "lazio.piazza.test", "/panic")
	if status != 500 || strings.Contains(body, "secret internal detail") || !strings.Contains(body, h.Get("X-Request-ID")) || h.Get("X-Request-ID") == "" {
		t.Fatalf("panic: %d %v\n%s", status, h, body)
	}
}

func TestReadyzUnmigrated(t *testing.T) {
	f := setup(t)
	if _, err := f.d.Admin(t).Exec(context.Background(), "DELETE FROM piazza.schema_migrations WHERE version > 1"); err != nil {
		t.Fatal(err)
	}
	status, _, body := f.get(t, "x", "/readyz")
	if status != 503 || !strings.Contains(body, "piazza migrate") {
		t.Fatalf("%d %s", status, body)
	}
}

// Replicas see a change made anywhere (here: the registry of another
// process) through LISTEN/NOTIFY; without a listener, they read every time.
func TestResolverInvalidation(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	lazio, err := f.reg.Create(ctx, tenant.CreateParams{Slug: "lazio", Name: "Regione Lazio"})
	if err != nil {
		t.Fatal(err)
	}
	var replicas []*tenant.Resolver
	for range 2 {
		res := tenant.NewResolver(f.reg)
		l := pgnotify.New(f.d.URL, nil)
		res.Subscribe(l)
		if err := l.Start(t.Context(), 10*time.Second); err != nil {
			t.Fatal(err)
		}
		replicas = append(replicas, res)
	}
	for _, r := range replicas { // warm: a hit and a miss cached
		if _, err := r.Resolve(ctx, "lazio.piazza.test"); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Resolve(ctx, "new.lazio.it"); err == nil {
			t.Fatal("unknown host resolved")
		}
	}
	if _, err := f.reg.Suspend(ctx, "lazio"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.ExecContext(ctx, "INSERT INTO piazza.tenant_hosts (host, tenant_id) VALUES ('new.lazio.it', ?)", lazio.ID); err != nil {
		t.Fatal(err)
	}
	dbtest.WaitFor(t, "every replica sees the suspension and the new host", func() bool {
		for _, r := range replicas {
			tn, err := r.Resolve(ctx, "lazio.piazza.test")
			if err != nil || tn.Status != tenant.StatusSuspended {
				return false
			}
			if _, err := r.Resolve(ctx, "new.lazio.it"); err != nil {
				return false
			}
		}
		return true
	})

	// No listener: nothing cached, every change seen at once.
	bare := tenant.NewResolver(f.reg)
	if _, err := bare.Resolve(ctx, "lazio.piazza.test"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Resume(ctx, "lazio"); err != nil {
		t.Fatal(err)
	}
	if tn, err := bare.Resolve(ctx, "lazio.piazza.test"); err != nil || tn.Status != tenant.StatusActive {
		t.Fatalf("without a listener, a stale answer: %v %v", tn, err)
	}
}

// SIGTERM-style shutdown lets the request in flight finish.
func TestGracefulShutdown(t *testing.T) {
	f := setup(t)
	if _, err := f.reg.Create(context.Background(), tenant.CreateParams{Slug: "lazio", Name: "Regione Lazio"}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.srv.Serve(ctx, ln) }()
	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/slow", nil)
		req.Host = "lazio.piazza.test"
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- result{status: res.StatusCode, body: string(b)}
	}()
	dbtest.WaitFor(t, "the slow request to be in flight", func() bool {
		return f.srv.App().Server().GetOpenConnectionsCount() > 0
	})
	cancel() // the signal
	time.Sleep(50 * time.Millisecond)
	close(f.tr.release)
	r := <-got
	if r.err != nil || r.status != 200 || r.body != "slow done" {
		t.Fatalf("in-flight request: %+v", r)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve returned %v", err)
	}
}

// The interface speaks the visitor's language: Accept-Language, then the
// choice made at /lang (a cookie), among the site's languages.
func TestLanguage(t *testing.T) {
	f := setup(t)
	if _, err := f.reg.Create(context.Background(), tenant.CreateParams{Slug: "lazio", Name: "Regione Lazio"}); err != nil {
		t.Fatal(err)
	}
	do := func(path, accept string, cookie *http.Cookie) *http.Response {
		req := httptest.NewRequest("GET", "http://lazio.piazza.test"+path, nil)
		req.RequestURI = req.URL.RequestURI() // the host goes in a Host header, as browsers send it
		if accept != "" {
			req.Header.Set("Accept-Language", accept)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		res, err := f.srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	body := func(res *http.Response) string { b, _ := io.ReadAll(res.Body); return string(b) }
	if b := body(do("/", "", nil)); !strings.Contains(b, "Lo spazio in cui amministrazioni") || !strings.Contains(b, `lang="it"`) {
		t.Fatalf("default Italian: %s", b)
	}
	if b := body(do("/nowhere", "en-GB,en;q=0.8", nil)); !strings.Contains(b, "Page not found") {
		t.Fatalf("English 404: %s", b)
	}
	res := do("/lang?l=en&return_to=/", "it", nil)
	var chosen *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == i18n.CookieName {
			chosen = c
		}
	}
	if res.StatusCode != 303 || chosen == nil || chosen.Value != "en" || !chosen.HttpOnly {
		t.Fatalf("switch: %d %+v", res.StatusCode, chosen)
	}
	if b := body(do("/", "it", chosen)); !strings.Contains(b, "The place where public administrations") || !strings.Contains(b, `lang="en"`) {
		t.Fatalf("the chosen language loses to Accept-Language: %s", b)
	}
	res = do("/lang?l=de&return_to=//evil.example", "", nil)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/" {
		t.Fatalf("off-host return: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	for _, c := range res.Cookies() {
		if c.Name == i18n.CookieName {
			t.Fatalf("a language the site does not offer was kept: %q", c.Value)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	f := setup(t)
	if _, err := f.reg.Create(context.Background(), tenant.CreateParams{Slug: "lazio", Name: "Regione Lazio"}); err != nil {
		t.Fatal(err)
	}
	_, _, page := f.get(t, "lazio.piazza.test", "/")
	m := regexp.MustCompile(`href="(/static/[0-9a-f]{12}/vendor/bootstrap-italia/css/bootstrap-italia.min.css)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page links no hashed Bootstrap Italia stylesheet:\n%s", page)
	}
	status, h, body := f.get(t, "any.host", m[1])
	if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/css") || !strings.Contains(h.Get("Cache-Control"), "immutable") || len(body) < 100000 {
		t.Fatalf("stylesheet: %d %v (%d bytes)", status, h, len(body))
	}
	for _, bad := range []string{
		"/static/000000000000/vendor/bootstrap-italia/css/bootstrap-italia.min.css",
		strings.Replace(m[1], "vendor/bootstrap-italia/css/bootstrap-italia.min.css", "../../go.mod", 1),
		strings.Replace(m[1], "vendor/bootstrap-italia/css/bootstrap-italia.min.css", "refresh-vendor.sh", 1),
	} {
		if status, _, _ := f.get(t, "any.host", bad); status != 404 {
			t.Errorf("%s: %d, want 404", bad, status)
		}
	}
}
