// Package home is a tenant's home page.
package home

import (
	"embed"
	"html/template"
	"io/fs"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Messages are the module's message files, for the site's bundle.
func (m *Module) Messages() fs.FS { return Messages }

// Module is the home page module.
type Module struct {
	shell *web.Shell
	pages map[string]*template.Template
}

// New parses the module's pages into the shell (failing fast).
func New(shell *web.Shell) (*Module, error) {
	pages, err := shell.Pages(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &Module{shell: shell, pages: pages}, nil
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
	return web.Render(c, fiber.StatusOK, m.pages["home.html"], auth.PageFor(c, m.shell, t.Name, csrf.Token(c)))
}
