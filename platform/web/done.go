package web

import (
	"html"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/redirect"
)

// outcomes are the messages (keys) an item's page shows after ?done=…
// for what other modules did on it; any other value gets the page's own.
var outcomes = map[string]string{
	"comment":         "comment.saved",
	"comment_waiting": "comment.saved_waiting",
	"file":            "attachment.saved",
}

// Outcome is the message key an item's page shows for its ?done= value:
// own for its own actions, "" when there is none.
func Outcome(done, own string) string {
	if done == "" {
		return ""
	}
	if k, ok := outcomes[done]; ok {
		return k
	}
	return own
}

// ItemPage is a module that shows the page of the item named by the
// request's :id with a status: another module's form posted on that page
// (a comment, a file) shows its refusal there, in the form (see
// comment.Refuse, attachment.Refuse).
type ItemPage interface {
	ShowItem(c *fiber.Ctx, status int) error
}

// Go sends the browser to url once a form is handled: a redirect for a
// plain form, HX-Redirect (the whole page loads there) for one sent by
// htmx, whose errors are shown in place.
func Go(c *fiber.Ctx, url string) error {
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", url)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return redirect.To(c, url)
}

// Done answers a finished action: a request made by htmx (an action taken
// in place, in the inbox) gets a short confirmation that replaces the
// item, any other is redirected to url, where the outcome shows.
func Done(c *fiber.Ctx, url, message string) error {
	if c.Get("HX-Request") == "true" {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.SendString(`<div class="text-success fw-semibold" role="status">` + html.EscapeString(message) + `</div>`)
	}
	return redirect.To(c, url)
}
