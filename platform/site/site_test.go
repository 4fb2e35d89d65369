package site_test

import (
	"context"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/site"
)

func alpha() *site.Site {
	return &site.Site{ID: 7, Name: "Comune di Alpha", Hosts: []string{"alpha.example", "www.alpha.example"},
		Scope: db.Scope{Schema: "t_alpha", Role: "t_alpha"}}
}

func TestURLNamesOnlyRegisteredHosts(t *testing.T) {
	s := alpha()
	for _, tc := range []struct{ host, want string }{
		{"www.alpha.example", "https://www.alpha.example/x"},
		{"WWW.Alpha.Example.", "https://www.alpha.example/x"},
		{"evil.example", "https://alpha.example/x"},
		{"", "https://alpha.example/x"},
	} {
		t.Run(tc.host, func(t *testing.T) {
			if got := s.URL("https", tc.host, "/x"); got != tc.want {
				t.Errorf("URL on %q = %s, want %s", tc.host, got, tc.want)
			}
		})
	}
	if d := s.Domain(); d != "7" {
		t.Errorf("Domain = %q, want 7", d)
	}
}

func TestRequestURLIgnoresForwardedHost(t *testing.T) {
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error {
		c.SetUserContext(site.NewContext(c.UserContext(), alpha()))
		return c.SendString(site.RequestURL(c, "https", "/auth/verify"))
	})
	req := httptest.NewRequest("GET", "http://www.alpha.example/", nil)
	req.RequestURI = req.URL.RequestURI() // the host goes in a Host header, as browsers send it
	req.Header.Set("X-Forwarded-Host", "evil.example")
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if got, want := string(body), "https://www.alpha.example/auth/verify"; got != want {
		t.Errorf("RequestURL = %s, want %s", got, want)
	}
}

func TestContextWithoutSite(t *testing.T) {
	ctx := context.Background()
	if s := site.FromContext(ctx); s != nil {
		t.Fatalf("FromContext of a bare context = %+v", s)
	}
	ran := false
	err := site.Tx(ctx, nil, func(context.Context, bun.Tx) error { ran = true; return nil })
	if err == nil || ran {
		t.Errorf("Tx without a site: err %v, ran %v; want a refusal before any query", err, ran)
	}
	if got := site.FromContext(site.NewContext(ctx, alpha())); got == nil || got.Name != "Comune di Alpha" {
		t.Errorf("FromContext after NewContext = %+v", got)
	}
}
