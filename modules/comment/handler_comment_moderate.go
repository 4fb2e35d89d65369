package comment

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

// moderate publishes or rejects a waiting comment, for the item's moderators.
func (m *Module) moderate(publish bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		item, err := m.Moderate(c.UserContext(), screen.ParamID(c, "cid"), publish)
		if err != nil {
			return err
		}
		return web.Done(c, item.URL+"#comments", m.Shell.I18n.FromContext(c.UserContext()).T("comment.approve"))
	}
}
