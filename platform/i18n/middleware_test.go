package i18n_test

import (
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/i18n"
)

// A language switch returns to the page it came from, and never off the
// site: browsers drop the tab in "/\t/evil.example" and follow "//evil.example".
func TestLanguageSwitchReturnsOnlyToThisSite(t *testing.T) {
	b, err := i18n.New(i18n.Messages)
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	app.Use(b.Middleware(func(*fiber.Ctx) ([]string, string, string) { return []string{"it", "en"}, "it", "" }, false))
	for query, want := range map[string]string{
		"l=en&return_to=/news%3Fpage%3D2":       "/news?page=2",
		"l=en&return_to=/%09/evil.example":      "/",
		"l=en&return_to=/%0a/evil.example":      "/",
		"l=en&return_to=//evil.example":         "/",
		"l=en&return_to=/%5Cevil.example":       "/",
		"l=en&return_to=https://evil.example/x": "/",
	} {
		resp, err := app.Test(httptest.NewRequest("GET", "/lang?"+query, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != fiber.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("/lang?%s: %d Location %q, want 303 %q", query, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}
