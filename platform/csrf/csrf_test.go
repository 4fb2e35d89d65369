package csrf_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/csrf"
)

func newApp(key byte) *fiber.App {
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		if errors.Is(err, platform.ErrForbidden) {
			return c.Status(fiber.StatusForbidden).SendString("forbidden")
		}
		return fiber.DefaultErrorHandler(c, err)
	}})
	p := csrf.New(csrf.Config{Key: bytes.Repeat([]byte{key}, 32)})
	app.Use(p.Handler())
	app.Get("/form", func(c *fiber.Ctx) error { return c.SendString(csrf.Token(c)) })
	app.Post("/do", func(c *fiber.Ctx) error { return c.SendString("done") })
	return app
}

// visit gets the form and returns the cookie and token a browser would hold.
func visit(t *testing.T, app *fiber.App) (*http.Cookie, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "http://demo.piazza.test/form", nil)
	req.RequestURI = req.URL.RequestURI() // the host goes in a Host header, as browsers send it
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	for _, c := range res.Cookies() {
		if c.Name == csrf.CookieName {
			if !c.HttpOnly || c.Domain != "" || c.SameSite != http.SameSiteLaxMode {
				t.Fatalf("cookie not host-only/HttpOnly/Lax: %+v", c)
			}
			return c, string(body)
		}
	}
	t.Fatal("no CSRF cookie set")
	return nil, ""
}

func TestCSRF(t *testing.T) {
	app := newApp(1)
	cookie, token := visit(t, app)
	otherCookie, otherToken := visit(t, app)
	_, foreignToken := visit(t, newApp(2))
	cases := []struct {
		name   string
		cookie *http.Cookie
		form   string
		header string
		origin string
		want   int
	}{
		{"form token", cookie, token, "", "", 200},
		{"htmx header", cookie, "", token, "", 200},
		{"same origin", cookie, token, "", "http://demo.piazza.test", 200},
		{"no token", cookie, "", "", "", 403},
		{"no cookie", nil, token, "", "", 403},
		{"another browser's token", cookie, otherToken, "", "", 403},
		{"token for another browser's cookie", otherCookie, token, "", "", 403},
		{"token under another key", cookie, foreignToken, "", "", 403},
		{"cross-site origin", cookie, token, "", "https://evil.example", 403},
		{"another tenant's origin", cookie, token, "", "http://other.piazza.test", 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{}
			if tc.form != "" {
				form.Set(csrf.FieldName, tc.form)
			}
			req := httptest.NewRequest("POST", "http://demo.piazza.test/do", strings.NewReader(form.Encode()))
			req.RequestURI = req.URL.RequestURI() // the host goes in a Host header, as browsers send it
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.cookie != nil {
				req.AddCookie(tc.cookie)
			}
			if tc.header != "" {
				req.Header.Set(csrf.HeaderName, tc.header)
			}
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			res, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.want)
			}
		})
	}
}

func TestExemptPath(t *testing.T) {
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(fiber.StatusForbidden).SendString("forbidden")
	}})
	p := csrf.New(csrf.Config{Key: bytes.Repeat([]byte{1}, 32), Exempt: []string{"/hook"}})
	app.Use(p.Handler())
	ok := func(c *fiber.Ctx) error { return c.SendString("done") }
	app.Post("/hook", ok)
	app.Post("/hook/more", ok)
	for path, want := range map[string]int{"/hook": 200, "/hook/more": 403} {
		req := httptest.NewRequest("POST", "http://admin.piazza.test"+path, strings.NewReader("{}"))
		req.RequestURI = req.URL.RequestURI()
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != want {
			t.Errorf("%s without a token: %d, want %d", path, res.StatusCode, want)
		}
	}
}

func TestExemptPrefix(t *testing.T) {
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(fiber.StatusForbidden).SendString("forbidden")
	}})
	p := csrf.New(csrf.Config{Key: bytes.Repeat([]byte{1}, 32), Exempt: []string{"/api/v1/"}})
	app.Use(p.Handler())
	ok := func(c *fiber.Ctx) error { return c.SendString("done") }
	for _, path := range []string{"/api/v1/items/1/interests", "/api/v1", "/api/v10/x", "/api/x"} {
		app.Post(path, ok)
	}
	for path, want := range map[string]int{"/api/v1/items/1/interests": 200, "/api/v1": 403, "/api/v10/x": 403, "/api/x": 403} {
		req := httptest.NewRequest("POST", "http://alpha.piazza.test"+path, strings.NewReader("{}"))
		req.RequestURI = req.URL.RequestURI()
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != want {
			t.Errorf("%s without a token: %d, want %d", path, res.StatusCode, want)
		}
	}
}
