package screen_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// pages are a module's pages; both call the partial "extra", which is not
// the site's but the module's own.
var (
	pages = fstest.MapFS{
		"templates/hello.html": {Data: []byte(`{{define "title"}}Hello{{end}}{{define "content"}}<p id="hello">{{.Text}}</p>{{template "extra" .}}{{end}}`)},
		"templates/other.html": {Data: []byte(`{{define "content"}}{{template "extra" .}}{{end}}`)},
	}
	partials = fstest.MapFS{"parts/extra.html": {Data: []byte(`{{define "extra"}}<p id="extra">{{shout "extra"}}</p>{{end}}`)}}
	funcs    = map[string]any{"shout": strings.ToUpper}
)

// viewer is who reads in the tests' transactions: the schema they run in.
type viewer struct{ Schema string }

func whoReads(ctx context.Context, tx bun.IDB) (viewer, error) {
	var v viewer
	return v, tx.NewRaw("SELECT current_schema()").Scan(ctx, &v.Schema)
}

// module is a module on the page skeleton, with a route per step the
// skeleton offers its handlers.
type module struct{ screen.Kit }

func (m *module) Routes(r fiber.Router) {
	r.Get("/hello", func(c *fiber.Ctx) error {
		return m.Render(c, fiber.StatusOK, "hello.html", struct {
			web.Page
			Text string
		}{m.Page(c), m.T(c, "error.not_found.title")})
	})
	r.Get("/other", func(c *fiber.Ctx) error { return m.Render(c, fiber.StatusOK, "other.html", m.Page(c)) })
	r.Get("/missing-page", func(c *fiber.Ctx) error { return m.Render(c, fiber.StatusOK, "nowhere.html", m.Page(c)) })
	r.Get("/fail/:kind", func(c *fiber.Ctx) error {
		return m.Tx(c.UserContext(), func(context.Context, bun.Tx) error { return failures[c.Params("kind")] })
	})
	r.Get("/as", func(c *fiber.Ctx) error {
		var got viewer
		if err := screen.As(c.UserContext(), &m.Kit, whoReads, func(_ context.Context, _ bun.Tx, v viewer) error { got = v; return nil }); err != nil {
			return err
		}
		return c.SendString("viewer " + got.Schema)
	})
	r.Get("/as-refused", func(c *fiber.Ctx) error {
		who := func(context.Context, bun.IDB) (viewer, error) {
			return viewer{}, fmt.Errorf("who: %w", platform.ErrForbidden)
		}
		return screen.As(c.UserContext(), &m.Kit, who, func(context.Context, bun.Tx, viewer) error { return errors.New("ran without a viewer") })
	})
	r.Get("/id/:id", func(c *fiber.Ctx) error { return c.SendString(fmt.Sprint(screen.ParamID(c, "id"))) })
}

// failures are errors of each kind, as a service returns them.
var failures = map[string]error{
	"missing":   fmt.Errorf("read thread: %w", platform.ErrNotFound),
	"forbidden": fmt.Errorf("close thread: %w", platform.ErrForbidden),
	"invalid":   fmt.Errorf("save thread: %w", platform.ErrInvalid),
	"conflict":  fmt.Errorf("join: %w", platform.ErrConflict),
	"internal":  errors.New("connection reset"),
}

// serve builds a site alpha whose pages are m's, behind the server users get.
func serve(t *testing.T) (*fiber.App, *tenant.Tenant) {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	reg, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	if err != nil {
		t.Fatal(err)
	}
	tn, err := reg.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Comune di Alpha"})
	if err != nil {
		t.Fatal(err)
	}
	shell, err := web.NewShellFrom()
	if err != nil {
		t.Fatal(err)
	}
	pageFor := func(c *fiber.Ctx, site string) web.Page { return shell.NewPage(c, site, "", "") }
	k, err := screen.New(screen.Deps{DB: d.DB, Shell: shell, PageFor: pageFor}, pages, nil, funcs,
		screen.Partial{FS: partials, Pattern: "parts/*.html"})
	if err != nil {
		t.Fatal(err)
	}
	langs := func(*fiber.Ctx) ([]string, string, string) { return i18n.Supported, "en", "" }
	srv, err := web.New(web.Config{OperatorHost: "admin.piazza.test", DB: d.DB, Shell: shell,
		Tenant: tenant.Middleware(tenant.NewResolver(reg)), Language: shell.I18n.Middleware(langs, false),
		TenantModules: []web.Module{&module{k}}})
	if err != nil {
		t.Fatal(err)
	}
	return srv.App(), tn
}

// TestPages: a module's pages are drawn in the site's layout with its own
// partials, the request's language and site; each kind of error a service
// returns answers its status; the viewer As finds is the one its function
// gets, in the site's transaction.
func TestPages(t *testing.T) {
	app, tn := serve(t)
	cases := []struct {
		name, path string
		status     int
		has        []string
	}{
		{"page in the layout", "/hello", 200, []string{"<!doctype html>", "Comune di Alpha", "Hello</title>",
			`<p id="hello">Page not found</p>`, `<p id="extra">EXTRA</p>`}},
		{"partial in every page", "/other", 200, []string{"<!doctype html>", `<p id="extra">EXTRA</p>`}},
		{"no such page", "/missing-page", 500, nil},
		{"not found", "/fail/missing", 404, nil},
		{"forbidden", "/fail/forbidden", 403, nil},
		{"invalid", "/fail/invalid", 422, nil},
		{"conflict", "/fail/conflict", 409, nil},
		{"internal", "/fail/internal", 500, nil},
		{"no error", "/fail/none", 200, nil},
		{"viewer passed", "/as", 200, []string{"viewer " + tn.Scope().Schema}},
		{"viewer refused", "/as-refused", 403, nil},
		{"id from the path", "/id/42", 200, []string{"42"}},
		{"no id in the path", "/id/x", 200, []string{"0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "http://alpha.piazza.test"+tc.path, nil)
			req.RequestURI = req.URL.RequestURI()
			res, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			body := string(b)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, tc.status, body)
			}
			for _, w := range tc.has {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q\n%s", w, body)
				}
			}
			if tc.status >= 500 && strings.Contains(body, "connection reset") {
				t.Error("an internal error's detail is shown")
			}
		})
	}
}

// TestNewFailsFast: a page or partial that does not parse stops the module
// at start-up.
func TestNewFailsFast(t *testing.T) {
	shell, err := web.NewShellFrom()
	if err != nil {
		t.Fatal(err)
	}
	d := screen.Deps{Shell: shell}
	bad := fstest.MapFS{"parts/bad.html": {Data: []byte(`{{define "extra"}}{{.Oops}`)}}
	if _, err := screen.New(d, pages, nil, funcs, screen.Partial{FS: bad, Pattern: "parts/*.html"}); err == nil {
		t.Error("a partial that does not parse is accepted")
	}
	if _, err := screen.New(d, pages, nil, funcs, screen.Partial{FS: partials, Pattern: "parts/none.html"}); err == nil {
		t.Error("a partial pattern that matches nothing is accepted")
	}
	if _, err := screen.New(d, fstest.MapFS{"templates/x.html": {Data: []byte(`{{define "content"}}{{nope}}{{end}}`)}}, nil, nil); err == nil {
		t.Error("a page calling an unknown function is accepted")
	}
}
