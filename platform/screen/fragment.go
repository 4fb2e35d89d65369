package screen

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// Fragment answers with the template name of page name drawn with v alone,
// without the layout: the part of a page that htmx swaps in.
func (k *Kit) Fragment(c *fiber.Ctx, status int, page, name string, v any) error {
	t := k.pages[page]
	if t == nil {
		return fmt.Errorf("fragment: no page %s", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Send(buf.Bytes())
}
