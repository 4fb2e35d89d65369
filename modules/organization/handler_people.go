package organization

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/membership"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

type showView struct {
	web.Page
	Org *Organization
	// People is the page of the list of people shown, List which list it
	// is, Pager the links to its next page and back to the first, Filter
	// whether the list offers the filter by name.
	People []Person
	List   membership.List
	Pager  keyset.Pager
	Filter bool
	// States are the lists of people the viewer may see (a referent's tabs).
	States []string
	// Manage: the viewer refers for it (or administers); Decide: they
	// validate it.
	Manage, Decide bool
	Message, Error string
	// Invite is the referents' search for people to invite.
	Invite inviteView
}

// inviteView is the search for people to invite and what it found, drawn
// by the "candidates" template (alone when htmx asks).
type inviteView struct {
	L     *i18n.Localizer
	CSRF  string
	ID    int64
	Query string
	Found []membership.Candidate
	// Searched: a query long enough was made; Short: one too short.
	Searched, Short bool
}

// flashes are the outcomes an action reports on the page it returns to.
var flashes = []string{"created", "saved", "requested", "accepted", "invited", "approved", "rejected", "removed", "validated", "refused"}

func (m *Module) show(c *fiber.Ctx) error { return m.renderShow(c, fiber.StatusOK, "") }

func (m *Module) renderShow(c *fiber.Ctx, status int, errText string) error {
	v, err := m.showView(c, errText)
	if err != nil {
		return err
	}
	return m.Render(c, status, "show.html", v)
}

// showView reads the page of the organisation of the path for the viewer,
// with the page of its people that ?state= (people, requests or
// invitations), ?who= (a part of a name) and ?after= (a cursor) ask for.
func (m *Module) showView(c *fiber.Ctx, errText string) (showView, error) {
	v := showView{Page: m.Page(c), Error: errText}
	if d := c.Query("done"); slices.Contains(flashes, d) && errText == "" {
		v.Message = v.L.T("organization.done." + d)
	}
	id, after := screen.ParamID(c, "id"), c.Query("after")
	l, err := OpenList(c.UserContext(), id, c.Query("state"), c.Query("who"), after)
	if err != nil {
		return v, err
	}
	o, err := m.Overview(c.UserContext(), id, l)
	if err != nil {
		return v, err
	}
	v.Org, v.Manage, v.Decide = o.Org, o.Manage, o.Decide
	v.People, v.List, v.Filter = o.People, l, l.Who != "" || after != "" || o.Next != ""
	v.Pager = keyset.Links(v.L, "organization.people", "/organizations/"+strconv.FormatInt(id, 10), l.Keep(), after, o.Next)
	if v.Manage {
		v.States = membership.States
	}
	v.Invite = inviteView{L: v.L, CSRF: v.CSRF, ID: o.Org.ID}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return v, nil
}

// join asks to be linked to an organisation as an employee.
func (m *Module) join(c *fiber.Ctx) error {
	return m.shown(c, m.Join(c.UserContext(), screen.ParamID(c, "id")), "requested")
}

// shown answers an action on the organisation: a refusal the member can
// act on (a conflict, or what they typed) shows the page again with its
// sentence; success goes back to the page with the flash.
func (m *Module) shown(c *fiber.Ctx, err error, flash string) error {
	switch {
	case errors.Is(err, platform.ErrConflict):
		return m.renderShow(c, fiber.StatusConflict, m.ErrText(c, err))
	case errors.Is(err, platform.ErrInvalid):
		return m.renderShow(c, fiber.StatusUnprocessableEntity, m.ErrText(c, err))
	case err != nil:
		return err
	}
	return m.back(c, screen.ParamID(c, "id"), flash)
}

// leave ends the member's link (or request); the last referent stays.
func (m *Module) leave(c *fiber.Ctx) error {
	err := m.Leave(c.UserContext(), screen.ParamID(c, "id"))
	if errors.Is(err, ErrLastReferent) {
		return m.renderShow(c, fiber.StatusConflict, m.ErrText(c, err))
	}
	if err != nil {
		return err
	}
	return redirect.To(c, "/organizations")
}

// answer accepts or declines the member's invitation to an organisation.
func (m *Module) answer(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := m.Answer(c.UserContext(), screen.ParamID(c, "id"), accept); err != nil {
			return err
		}
		if !accept {
			return redirect.To(c, "/organizations")
		}
		return m.back(c, screen.ParamID(c, "id"), "accepted")
	}
}

// invite links a member of the tenant (chosen from the search, or by
// e-mail) as invited; they accept from the organisation's page.
func (m *Module) invite(c *fiber.Ctx) error {
	uid, _ := strconv.ParseInt(c.FormValue("user"), 10, 64)
	who := Invitee{UserID: uid, Email: strings.TrimSpace(c.FormValue("email"))}
	return m.shown(c, m.Invite(c.UserContext(), screen.ParamID(c, "id"), who), "invited")
}

// decide is a referent's decision on a person: approve or reject a request,
// remove someone, make someone referent or employee.
func (m *Module) decide(c *fiber.Ctx) error {
	action := c.Params("action")
	err := m.Decide(c.UserContext(), screen.ParamID(c, "id"), screen.ParamID(c, "uid"), action)
	return m.shown(c, err, map[string]string{"approve": "approved", "reject": "rejected", "remove": "removed"}[action])
}

// validate is a facilitator's decision on an organisation waiting for it.
func (m *Module) validate(state string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := m.Validate(c.UserContext(), screen.ParamID(c, "id"), state); err != nil {
			return err
		}
		if state == Validated {
			return m.back(c, screen.ParamID(c, "id"), "validated")
		}
		return m.back(c, screen.ParamID(c, "id"), "refused")
	}
}
