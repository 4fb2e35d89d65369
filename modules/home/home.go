// Package home is a tenant's home page.
package home

import (
	"bytes"
	"embed"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Module is the home page module.
type Module struct {
	tmpl *template.Template
	i18n *i18n.Bundle
}

// New parses the module's templates (and fails fast if they do not parse);
// bundle translates (nil: the platform's, auth's and this module's messages).
func New(bundle *i18n.Bundle) (*Module, error) {
	t, err := template.ParseFS(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	if bundle == nil {
		if bundle, err = i18n.New(i18n.Messages, auth.Messages, Messages); err != nil {
			return nil, err
		}
	}
	return &Module{tmpl: t, i18n: bundle}, nil
}

// Routes registers GET /.
func (m *Module) Routes(r fiber.Router) {
	r.Get("/", m.show)
}

func (m *Module) show(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	if t == nil {
		return fiber.ErrNotFound
	}
	data := map[string]any{"Name": t.Name, "CSRF": csrf.Token(c), "L": m.i18n.FromContext(c.UserContext())}
	if u := auth.UserFromContext(c.UserContext()); u != nil {
		data["User"] = u.Name()
	}
	var buf bytes.Buffer
	if err := m.tmpl.ExecuteTemplate(&buf, "home.html", data); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}
