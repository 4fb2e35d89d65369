package web

import (
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// Sites served over https ask browsers to keep to https; a handler's own
// policy (a downloaded file's sandbox) replaces the default one.
func TestHSTSAndHandlerPolicy(t *testing.T) {
	app := fiber.New()
	app.Use(securityHeaders(true))
	app.Get("/file", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentSecurityPolicy, "sandbox")
		return c.SendString("x")
	})
	res, err := app.Test(httptest.NewRequest("GET", "/file", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Errorf("HSTS = %q", got)
	}
	if got := res.Header.Get("Content-Security-Policy"); got != "sandbox" {
		t.Errorf("the handler's policy was overwritten: %q", got)
	}
}
