package file

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/screen"
)

// download streams a file to whoever may see its item; images inline,
// anything else as a download, never sniffed by the browser.
func (m *Module) download(c *fiber.Ctx) error {
	a, r, err := m.Open(c.UserContext(), screen.ParamID(c, "aid"))
	if err != nil {
		return err
	}
	return attachment.Send(c, a, r, a.Image())
}
