// Package console is the operator console, on the operator host. For now it
// is a placeholder page; tenants are managed with `piazza tenant …`.
package console

import (
	"github.com/gofiber/fiber/v2"
)

// Module is the operator console.
type Module struct{}

// New returns the console module.
func New() *Module { return &Module{} }

// Routes registers GET /.
func (m *Module) Routes(r fiber.Router) {
	r.Get("/", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.SendString(`<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>Piazza — console dell'operatore</title></head>
<body><main><h1>Piazza — console dell'operatore</h1>
<p lang="en">Piazza — operator console. Tenants are managed with <code>piazza tenant …</code> for now.</p>
</main></body></html>`)
	})
}
