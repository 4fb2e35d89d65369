package community

import (
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/membership"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

type showView struct {
	web.Page
	Community *Community
	Subs      []Community
	Items     []Item
	// Origin is what the community was born from (nil for nothing).
	Origin *Item
	// Tabs link to the community's pages in other modules (its library).
	Tabs []Item
	// People is the page of the list of people shown, List which list
	// it is, Pager the links to its next page and back to the first,
	// Filter whether the list offers the filter by name.
	People []Member
	List   membership.List
	Pager  keyset.Pager
	Filter bool
	// States are the lists of people the viewer may see (a manager's tabs).
	States []string
	// Frequency is the member's own e-mail frequency here ("" for the profile's).
	Frequency      string
	Frequencies    []string
	Roles          []string
	Message, Error string
	// What the viewer may do here; Preview: not a member, they see what
	// they may see already and what joining gives.
	Manage, Validate, Member, Preview bool
	// Invite is the managers' search for people to invite.
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

func (m *Module) show(c *fiber.Ctx) error {
	return m.renderShow(c, fiber.StatusOK, "")
}

// renderShow shows a community's page with errText (a refused action's
// sentence, "" for none).
func (m *Module) renderShow(c *fiber.Ctx, status int, errText string) error {
	v, err := m.showView(c, errText)
	if err != nil {
		return err
	}
	return m.Render(c, status, "show.html", v)
}

// showView reads the page of the community of the path for the viewer,
// with the page of its people that ?state= (members, requests or
// invitations), ?who= (a part of a name) and ?after= (a cursor) ask for.
func (m *Module) showView(c *fiber.Ctx, errText string) (showView, error) {
	v := showView{Page: m.Page(c), Roles: Roles, Frequencies: frequencies, Error: errText}
	if d := c.Query("done"); d != "" && errText == "" {
		v.Message = m.T(c, "community.done."+safeKey(d))
	}
	id, after := screen.ParamID(c, "id"), c.Query("after")
	l, err := OpenList(c.UserContext(), id, c.Query("state"), c.Query("who"), after)
	if err != nil {
		return v, err
	}
	d, err := m.Show(c.UserContext(), id, l)
	if err != nil {
		return v, err
	}
	v.Community, v.Subs, v.Items, v.Origin, v.Tabs = d.Community, d.Subs, d.Items, d.Origin, d.Tabs
	v.Frequency, v.Manage, v.Validate, v.Member = d.Frequency, d.Manage, d.Validate, d.Member
	v.Preview = !d.Member && d.Community.Kind != Closed
	v.People, v.List, v.Filter = d.People, l, l.Who != "" || after != "" || d.Next != ""
	v.Pager = keyset.Links(v.L, "community.people", "/communities/"+strconv.FormatInt(id, 10), l.Keep(), after, d.Next)
	if v.Manage {
		v.States = membership.States
	}
	v.Invite = inviteView{L: v.L, CSRF: v.CSRF, ID: d.Community.ID}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return v, nil
}

// flashes are the outcomes an action reports on the page it returns to.
var flashes = []string{"frequency", "created", "joined", "requested", "left", "accepted", "declined", "invited",
	"approved", "rejected", "removed", "role", "validated", "refused"}

// safeKey keeps a flash name to the known ones.
func safeKey(s string) string {
	if slices.Contains(flashes, s) {
		return s
	}
	return "ok"
}
