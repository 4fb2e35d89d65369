// Package home is a tenant's home page.
package home

import (
	"bytes"
	"embed"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Module is the home page module.
type Module struct {
	tmpl *template.Template
}

// New parses the module's templates (and fails fast if they do not parse).
func New() (*Module, error) {
	t, err := template.ParseFS(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &Module{tmpl: t}, nil
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
	data := map[string]string{"Name": t.Name, "CSRF": csrf.Token(c)}
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
