package file

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

// upload attaches the form's file to an item or to a comment, and goes
// back to the item's attachments. A refused file of an item is told in the
// item's upload form, on its page.
func (m *Module) upload(c *fiber.Ctx) error {
	u := Upload{Type: c.Params("type"), ItemID: screen.ParamID(c, "id"), CommentID: screen.ParamID(c, "cid")}
	if fh, err := c.FormFile("file"); err == nil {
		u.File = fh
	}
	item, err := m.Attach(c.UserContext(), u)
	if errors.Is(err, platform.ErrInvalid) && u.CommentID == 0 && c.Get("HX-Request") != "true" {
		if s, ok := m.Targets[u.Type].(web.ItemPage); ok {
			attachment.Refuse(c, platform.Localize(err, m.Shell.I18n.FromContext(c.UserContext()).T))
			return s.ShowItem(c, fiber.StatusUnprocessableEntity)
		}
	}
	if err != nil {
		return err
	}
	return web.Go(c, item.URL+"?done=file#attachments")
}
