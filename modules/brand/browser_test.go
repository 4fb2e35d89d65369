package brand_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/brand"
	"github.com/piazza-pa/piazza/modules/console"
	"github.com/piazza-pa/piazza/modules/home"
	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/platform/password"
	"github.com/piazza-pa/piazza/platform/pgnotify"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/web/webtest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// site serves tenants alpha (whose admin can sign in) and beta (burgundy)
// on 127.0.0.1, reached by the browser as <slug>.localhost:<port>.
func site(t *testing.T) (port int) {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port = ln.Addr().(*net.TCPAddr).Port
	base := "localhost:" + strconv.Itoa(port)
	reg, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: base, OperatorHost: "admin." + base,
		OnProvision: []tenant.Hook{func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
			return authz.SeedTenant(ctx, tx, t.Domain())
		}}})
	if err != nil {
		t.Fatal(err)
	}
	alpha, err := reg.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Comune di Alpha"})
	if err != nil {
		t.Fatal(err)
	}
	beta, err := reg.Create(ctx, tenant.CreateParams{Slug: "beta", Name: "Comune di Beta"})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.SaveDraft(ctx, beta.ID, tenant.Look{Primary: "#8a1538"}); err != nil {
		t.Fatal(err)
	}
	if err := reg.Publish(ctx, beta.ID); err != nil {
		t.Fatal(err)
	}
	err = db.InTenant(ctx, d.DB, beta.Scope(), func(ctx context.Context, tx bun.Tx) error { return auth.SetLocalAccounts(ctx, tx, true) })
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := password.Hash("password dell'amministratrice")
	var uid int64
	err = db.InTenant(ctx, d.DB, alpha.Scope(), func(ctx context.Context, tx bun.Tx) error {
		if err := auth.SetLocalAccounts(ctx, tx, true); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO users (email, display_name, password_hash, email_verified_at)
			VALUES ('admin@alpha.example', 'Anna Admin', ?, now()) RETURNING id`, hash).Scan(&uid)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := authz.Assign(ctx, d.DB, fmt.Sprintf("user:%d", uid), authz.RoleAdmin, alpha.Domain()); err != nil {
		t.Fatal(err)
	}

	l := pgnotify.New(d.URL, nil)
	res := tenant.NewResolver(reg)
	res.Subscribe(l)
	az, err := authz.New(d.DB, 10)
	if err != nil {
		t.Fatal(err)
	}
	az.Subscribe(l)
	if err := l.Start(t.Context(), 10*time.Second); err != nil {
		t.Fatal(err)
	}

	shell, err := web.NewShellFrom(auth.Messages, home.Messages, brand.Messages, console.Messages)
	if err != nil {
		t.Fatal(err)
	}
	p := csrf.New(csrf.Config{Key: bytes.Repeat([]byte{5}, 32)})
	am, err := auth.New(auth.Deps{Shell: shell, DB: d.DB, Sessions: session.Tenant(time.Hour, time.Hour), Local: &auth.Local{Window: time.Minute, MaxPerAccount: 5, MaxPerAddr: 50},
		CSRF: p, Authz: az, Scheme: "http"})
	if err != nil {
		t.Fatal(err)
	}
	news := newsModule{}
	bm, err := brand.New(brand.Deps{Registry: reg, Shell: shell, Sections: []web.Section{news.Section()},
		PageFor: func(c *fiber.Ctx, site string) web.Page { return auth.PageFor(c, shell, site, csrf.Token(c)) },
		Record: func(c *fiber.Ctx, tn *tenant.Tenant, action string, detail map[string]any) error {
			id := tn.ID
			return audit.Record(c.UserContext(), d.DB, audit.Entry{Actor: "test", TenantID: &id, Action: action, Detail: detail})
		}})
	if err != nil {
		t.Fatal(err)
	}
	shell.Decorate = bm.Decorate
	h, err := home.New(shell)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := operator.Create(ctx, d.DB, "ops@regione.example.it", "Ops", "password dell'operatore"); err != nil {
		t.Fatal(err)
	}
	con, err := console.New(console.Deps{Shell: shell, DB: d.DB, Registry: reg, Sessions: session.Operator(time.Hour, time.Hour), CSRF: p,
		Throttle: &auth.Throttle{Table: "piazza.operator_auth_failures", Window: time.Minute, MaxPerAccount: 5, MaxPerAddr: 50}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Shell: shell, OperatorHost: "admin." + base, DB: d.DB, Tenant: tenant.Middleware(res),
		OperatorModules: []web.Module{con}, Language: shell.I18n.Middleware(func(*fiber.Ctx) ([]string, string, string) { return i18n.Supported, i18n.Default, "" }, false),
		Shared: []fiber.Handler{p.Handler(), am.Middleware(), shell.I18n.Middleware(brand.Languages, false),
			web.SectionGuard([]web.Section{news.Section()}, brand.Off)},
		TenantModules: []web.Module{am, bm, h, news}})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(t.Context(), ln) }()
	return port
}

// browser starts headless Chromium.
func browser(t *testing.T) context.Context { return webtest.Chromium(t) }

// headerColour is the computed background of the site's header band, and a
// screenshot of the page.
func headerColour(ctx context.Context, url string) (string, []byte, error) {
	err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(".it-header-center-wrapper")))
	if err != nil {
		return "", nil, err
	}
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".it-header-center-wrapper")).backgroundColor`))
	if err != nil {
		return "", nil, err
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	return bg, shot, err
}

// near says whether a computed "rgb(r, g, b)" is within 4 of want per channel.
func near(rgb string, want [3]int) bool {
	var r, g, b int
	if _, err := fmt.Sscanf(rgb, "rgb(%d, %d, %d)", &r, &g, &b); err != nil {
		return false
	}
	return math.Abs(float64(r-want[0])) <= 4 && math.Abs(float64(g-want[1])) <= 4 && math.Abs(float64(b-want[2])) <= 4
}

func artefact(t *testing.T, name string, png []byte) { webtest.Artefact(t, name, png) }

func TestBrandingInBrowser(t *testing.T) {
	port := site(t)
	alpha := fmt.Sprintf("http://alpha.localhost:%d", port)
	beta := fmt.Sprintf("http://beta.localhost:%d", port)
	admin := browser(t)
	green := [3]int{27, 94, 32}     // #1b5e20
	biBlue := [3]int{0, 102, 204}   // Bootstrap Italia's own
	burgundy := [3]int{138, 21, 56} // #8a1538

	logo := filepath.Join(t.TempDir(), "logo.svg")
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script><circle cx="5" cy="5" r="5" fill="#fff"/></svg>`
	if err := os.WriteFile(logo, []byte(svg), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(admin,
		chromedp.Navigate(alpha+"/auth/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "admin@alpha.example"),
		chromedp.SendKeys(chromedp.ID("password"), "password dell'amministratrice"),
		chromedp.Submit(chromedp.ID("password")),
		// Only a signed-in page has the sign-out form (in the user menu, open
		// or not): waiting for the header could still see the sign-in page,
		// and navigating then would abort the sign-in.
		chromedp.WaitReady(chromedp.CSS(`form[action="/auth/logout"]`)),
		chromedp.Navigate(alpha+"/admin/branding"),
		chromedp.WaitVisible(chromedp.ID("primary")),
		chromedp.SetValue(chromedp.ID("primary"), "#ffcc00"), // too light for white text
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.CSS(".alert-danger")),
	)
	if err != nil {
		t.Fatal(err)
	}
	alert, err := chromedp.Run(admin, chromedp.Text(chromedp.CSS(".alert-danger")))
	if err != nil || !strings.Contains(alert, "WCAG") {
		t.Fatalf("a low-contrast colour was not explained: %q %v", alert, err)
	}
	err = chromedp.Do(admin,
		chromedp.SetValue(chromedp.ID("primary"), "#1b5e20"),
		chromedp.SetUploadFiles(chromedp.ID("logo"), []string{logo}),
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.ID("publish")),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The admin previews the draft; a visitor still sees the published look.
	if bg, _, err := headerColour(admin, alpha+"/?preview=1"); err != nil || !near(bg, green) {
		t.Fatalf("preview header %q (%v), want about rgb%v", bg, err, green)
	}
	visitor := browser(t)
	if bg, _, err := headerColour(visitor, alpha+"/?preview=1"); err != nil || !near(bg, biBlue) {
		t.Fatalf("before publishing, a visitor asking for the preview sees %q (%v), want Bootstrap Italia's blue", bg, err)
	}
	err = chromedp.Do(admin, chromedp.Navigate(alpha+"/admin/branding"), chromedp.WaitVisible(chromedp.ID("publish")),
		chromedp.Click(chromedp.ID("publish")), chromedp.WaitVisible(chromedp.CSS(".alert-success")))
	if err != nil {
		t.Fatal(err)
	}
	bg, shotA, err := headerColour(visitor, alpha+"/")
	if err != nil || !near(bg, green) {
		t.Fatalf("after publishing, a visitor sees %q (%v), want about rgb%v", bg, err, green)
	}
	logoShown, err := chromedp.Run(visitor, chromedp.Evaluate[bool](`(() => { const i = document.querySelector(".it-brand-wrapper img"); return !!i && i.complete && i.naturalWidth > 0 })()`))
	if err != nil || !logoShown {
		t.Fatalf("the published logo does not show (%v)", err)
	}
	bgB, shotB, err := headerColour(visitor, beta+"/")
	if err != nil || !near(bgB, burgundy) {
		t.Fatalf("the other tenant shows %q (%v), want its own burgundy", bgB, err)
	}
	artefact(t, "alpha-after-publish.png", shotA)
	artefact(t, "beta-unchanged.png", shotB)
}

// dialLocal sends every *.localhost:port request to the test server.
func dialLocal(port int) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, fmt.Sprintf("127.0.0.1:%d", port))
	}
}

// newsModule stands for a collaboration module a tenant can switch off.
type newsModule struct{}

func (newsModule) Section() web.Section {
	return web.Section{Key: "news", Label: "common.home", Path: "/news"}
}

func (newsModule) Routes(r fiber.Router) {
	r.Get("/news", func(c *fiber.Ctx) error { return c.SendString("the news") })
}

// The home, sign-in, branding and operator tenants pages have no serious or
// critical WCAG 2.1 AA violation (axe-core), in Italian and in English.
func TestAccessibility(t *testing.T) {
	port := site(t)
	alpha := fmt.Sprintf("http://alpha.localhost:%d", port)
	beta := fmt.Sprintf("http://beta.localhost:%d", port) // branded burgundy
	console := fmt.Sprintf("http://admin.localhost:%d", port)
	tenantAdmin, ops := browser(t), browser(t)
	err := chromedp.Do(tenantAdmin, chromedp.Navigate(alpha+"/auth/login"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "admin@alpha.example"),
		chromedp.SendKeys(chromedp.ID("password"), "password dell'amministratrice"),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitReady(chromedp.CSS(`form[action="/auth/logout"]`)))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ops, chromedp.Navigate(console+"/"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "ops@regione.example.it"),
		chromedp.SendKeys(chromedp.ID("password"), "password dell'operatore"),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.CSS("table")))
	if err != nil {
		t.Fatal(err)
	}
	guest := browser(t)
	for _, lang := range []string{"it", "en"} {
		for _, p := range []struct {
			ctx  context.Context
			site string
			path string
		}{
			{guest, alpha, "/"}, {guest, alpha, "/auth/login"}, {tenantAdmin, alpha, "/admin/branding"}, {ops, console, "/"},
			{guest, beta, "/"}, {guest, beta, "/auth/login"},
		} {
			err := chromedp.Do(p.ctx, chromedp.Navigate(p.site+"/lang?l="+lang+"&return_to="+p.path), chromedp.WaitVisible(chromedp.CSS("main")))
			if err != nil {
				t.Fatal(err)
			}
			bad, err := webtest.Axe(p.ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range bad {
				t.Errorf("%s%s [%s]: %s", p.site, p.path, lang, v)
			}
		}
	}
}
