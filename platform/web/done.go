package web

import (
	"html"

	"github.com/gofiber/fiber/v2"
)

// Done answers a finished action: a request made by htmx (an action taken
// in place, in the inbox) gets a short confirmation that replaces the
// item, any other is redirected to url, where the outcome shows.
func Done(c *fiber.Ctx, url, message string) error {
	if c.Get("HX-Request") == "true" {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.SendString(`<div class="text-success fw-semibold" role="status">` + html.EscapeString(message) + `</div>`)
	}
	return c.Redirect(url, fiber.StatusSeeOther)
}
