package community

import (
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/tenant"
)

// join: an open community takes the member at once, a reserved one records
// the request for its managers; a closed one is joined only by invitation.
func (m *Module) join(c *fiber.Ctx) error {
	flash, err := m.Join(c.UserContext(), screen.ParamID(c, "id"))
	if err != nil {
		return err
	}
	return m.back(c, screen.ParamID(c, "id"), flash)
}

// leave ends the member's membership (or request); the last manager stays.
func (m *Module) leave(c *fiber.Ctx) error {
	if err := m.Leave(c.UserContext(), screen.ParamID(c, "id")); err != nil {
		return err
	}
	return m.back(c, 0, "")
}

// answer accepts or declines the member's invitation.
func (m *Module) answer(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := m.Answer(c.UserContext(), screen.ParamID(c, "id"), accept); err != nil {
			return err
		}
		if !accept {
			return m.back(c, 0, "")
		}
		return m.back(c, screen.ParamID(c, "id"), "accepted")
	}
}

// ErrNoSuchPerson is an invitation for an address or member not found.
var ErrNoSuchPerson = platform.NewKeyedError(platform.ErrInvalid, "community.error.invitee", "give a member or a valid e-mail address")

// ErrChoice is a value that is not among those a form offers.
var ErrChoice = platform.NewKeyedError(platform.ErrInvalid, "community.error.choice", "choose one of the options offered")

// invite invites a member of the directory (user id) or an address.
func (m *Module) invite(c *fiber.Ctx) error {
	who := Invitee{UserID: int64(formInt(c, "user")), Email: strings.TrimSpace(c.FormValue("email"))}
	err := m.Invite(c.UserContext(), screen.ParamID(c, "id"), who, m.base(c))
	if errors.Is(err, platform.ErrInvalid) || errors.Is(err, platform.ErrConflict) {
		return m.renderShow(c, statusOf(err), m.ErrText(c, err))
	}
	if err != nil {
		return err
	}
	return m.back(c, screen.ParamID(c, "id"), "invited")
}

func statusOf(err error) int {
	if errors.Is(err, platform.ErrConflict) {
		return fiber.StatusConflict
	}
	return fiber.StatusUnprocessableEntity
}

func (m *Module) base(c *fiber.Ctx) string { return tenant.SiteURL(c, m.Scheme, "") }

// decide is a manager's decision on a membership: approve or reject a
// request, remove a member, change a member's role.
func (m *Module) decide(c *fiber.Ctx) error {
	action := c.Params("action")
	err := m.Decide(c.UserContext(), screen.ParamID(c, "id"), screen.ParamID(c, "uid"), action, c.FormValue("role"))
	if errors.Is(err, platform.ErrConflict) || errors.Is(err, platform.ErrInvalid) {
		return m.renderShow(c, statusOf(err), m.ErrText(c, err))
	}
	if err != nil {
		return err
	}
	flash := map[string]string{"approve": "approved", "reject": "rejected", "remove": "removed", "role": "role"}[action]
	return m.back(c, screen.ParamID(c, "id"), flash)
}

// validate is the tenant's decision on a community a member created while
// new communities wait for validation.
func (m *Module) validate(approve bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := m.Validate(c.UserContext(), screen.ParamID(c, "id"), approve); err != nil {
			return err
		}
		if approve {
			return m.back(c, screen.ParamID(c, "id"), "validated")
		}
		return m.back(c, screen.ParamID(c, "id"), "refused")
	}
}

// frequencies are a member's choices of e-mail for one community ("" for
// their profile's).
var frequencies = []string{"", "immediate", "daily", "weekly", "monthly", "off"}

// frequency sets how often the member hears of this community's content.
func (m *Module) frequency(c *fiber.Ctx) error {
	f := c.FormValue("frequency")
	if !slices.Contains(frequencies, f) {
		return ErrChoice
	}
	if err := m.SetFrequency(c.UserContext(), screen.ParamID(c, "id"), f); err != nil {
		return err
	}
	return m.back(c, screen.ParamID(c, "id"), "frequency")
}
