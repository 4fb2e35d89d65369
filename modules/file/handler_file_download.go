package file

import (
	"io"
	"mime"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/screen"
)

// download streams a file to whoever may see its item; images inline,
// anything else as a download, never sniffed by the browser.
func (m *Module) download(c *fiber.Ctx) error {
	a, r, err := m.Open(c.UserContext(), screen.ParamID(c, "aid"))
	if err != nil {
		return err
	}
	defer r.Close()
	disposition := "attachment"
	if a.Image() {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, a.MIME)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": a.Name}))
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return c.Send(body)
}
