package web

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestRender checks what a member receives from Render: the whole page,
// and of a page that fails half-way, nothing of it (the part written
// before the failure would otherwise reach the member under the error
// page's status).
func TestRender(t *testing.T) {
	shell, page := testPage(t, `{{define "content"}}<p>first part {{.Layout.Site}}</p>{{if .Fail}}{{call .Fail}}{{end}}<p>last part</p>{{end}}`)
	type view struct {
		Page
		Fail func() (string, error)
	}
	p := Page{Static: shell.static, L: shell.I18n.For("it"), Site: "Comune di Prova", Path: "/", Unread: -1, shell: shell}
	app := fiber.New()
	app.Get("/ok", func(c *fiber.Ctx) error {
		return Render(c, fiber.StatusAccepted, page, view{Page: p})
	})
	app.Get("/fails", func(c *fiber.Ctx) error {
		v := view{Page: p, Fail: func() (string, error) { return "", errors.New("no such thing") }}
		if err := Render(c, fiber.StatusOK, page, v); err == nil {
			t.Error("a failing page rendered without error")
		}
		return c.SendStatus(fiber.StatusInternalServerError) // writes its text only into an empty body
	})
	get := func(path string) (int, string) {
		res, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, string(body)
	}
	status, body := get("/ok")
	if status != fiber.StatusAccepted || !strings.Contains(body, "<p>first part Comune di Prova</p>") ||
		!strings.Contains(body, "<p>last part</p>") || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
		t.Errorf("page: %d %q", status, body)
	}
	status, body = get("/fails")
	if status != fiber.StatusInternalServerError || body != "Internal Server Error" {
		t.Errorf("failed page: %d %q", status, body)
	}
}
