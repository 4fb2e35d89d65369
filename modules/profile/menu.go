package profile

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// MenuEntries offers the member's own profile to their menu (a tenant's
// member only: the operator console has no profiles).
func (m *Module) MenuEntries(c *fiber.Ctx) []web.MenuLink {
	ctx := c.UserContext()
	if auth.UserFromContext(ctx) == nil || tenant.FromContext(ctx) == nil {
		return nil
	}
	return []web.MenuLink{{Label: "shell.menu.profile", URL: "/profile", Rank: 10}}
}
