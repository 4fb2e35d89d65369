package profile

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/web"
)

// MenuEntries offers the member's own profile to their menu.
func (m *Module) MenuEntries(c *fiber.Ctx) []web.MenuLink {
	if auth.UserFromContext(c.UserContext()) == nil {
		return nil
	}
	return []web.MenuLink{{Label: "shell.menu.profile", URL: "/profile", Rank: 10}}
}
