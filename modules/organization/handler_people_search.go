package organization

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/membership"
	"github.com/piazza-pa/piazza/platform/screen"
)

// candidates answers a referent's search for people to invite: to htmx
// (typing in the field) the matches alone, to a plain form the
// organisation's page with them.
func (m *Module) candidates(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	found, err := m.Candidates(c.UserContext(), screen.ParamID(c, "id"), q)
	if err != nil {
		return err
	}
	short := utf8.RuneCountInString(q) < membership.MinQuery
	if c.Get("HX-Request") == "true" {
		p := m.Page(c)
		return m.Fragment(c, fiber.StatusOK, "show.html", "candidates", inviteView{L: p.L, CSRF: p.CSRF,
			ID: screen.ParamID(c, "id"), Query: q, Found: found, Searched: !short, Short: short && q != ""})
	}
	v, err := m.showView(c, "")
	if err != nil {
		return err
	}
	v.Invite.Query, v.Invite.Found, v.Invite.Searched, v.Invite.Short = q, found, !short, short && q != ""
	return m.Render(c, fiber.StatusOK, "show.html", v)
}
