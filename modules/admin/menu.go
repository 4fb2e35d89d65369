package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/web"
)

// MenuEntries offers the administration area to the member's menu when
// they may manage it (the permission its routes require).
func (m *Module) MenuEntries(c *fiber.Ctx) []web.MenuLink {
	if !authz.Can(c.UserContext(), "admin/area", "manage") {
		return nil
	}
	return []web.MenuLink{{Label: "shell.menu.admin", URL: "/admin", Rank: 30}}
}
