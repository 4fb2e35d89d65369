// Package redirect is the one way Piazza sends a browser elsewhere: every
// redirect to a place named by a request (return_to, a form's next page) goes
// through Safe, so that no crafted value sends a visitor off the site.
package redirect

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// maxLen bounds a return path; longer ones are not links people follow.
const maxLen = 2000

// Safe returns s when it is a path on this site, "/" otherwise. Browsers
// drop tabs and line breaks from URLs and read a backslash as a slash, so
// "/\t/evil.example" or "/\\evil.example" would leave the site: any control
// character or backslash, a leading "//", a scheme or a host refuses s.
func Safe(s string) string {
	if s == "" || len(s) > maxLen || s[0] != '/' || len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return "/"
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' || r == 0xfffd }) {
		return "/"
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return s
}

// To answers with a 303 to target made safe: the redirect that follows a
// form, a language switch or a sign-in.
func To(c *fiber.Ctx, target string) error {
	return c.Redirect(Safe(target), fiber.StatusSeeOther)
}

// Away answers with a redirect to an absolute URL that Piazza itself built
// from configuration (an identity provider's authorisation or sign-out
// endpoint), never one taken from the request.
func Away(c *fiber.Ctx, configured string, status int) error {
	return c.Redirect(configured, status)
}
