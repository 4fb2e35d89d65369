package community

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

type showView struct {
	web.Page
	Community *Community
	Members   []Member
	Pending   []Member
	Subs      []Community
	Items     []Item
	// Frequency is the member's own e-mail frequency here ("" for the profile's).
	Frequency   string
	Frequencies []string
	// Candidates are members of the site a manager can invite.
	Candidates     []Member
	Roles          []string
	Message, Error string
	// What the viewer may do here.
	Manage, Validate, Member bool
}

// showData is what a community's page shows its viewer, kept in the cache
// between their visits.
type showData struct {
	Community                *Community
	Members, Pending         []Member
	Subs                     []Community
	Items                    []Item
	Frequency                string
	Candidates               []Member
	Manage, Validate, Member bool
}

func (m *Module) show(c *fiber.Ctx) error {
	return m.renderShow(c, fiber.StatusOK, "")
}

// renderShow shows a community's page: to its members the members and the
// content, to managers their tools; to others what they may do to join.
func (m *Module) renderShow(c *fiber.Ctx, status int, errText string) error {
	v := showView{Page: m.Page(c), Roles: Roles, Frequencies: frequencies, Error: errText}
	if d := c.Query("done"); d != "" && errText == "" {
		v.Message = m.T(c, "community.done."+safeKey(d))
	}
	id := screen.ParamID(c, "id")
	key := "community:" + strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(auth.UserFromContext(c.UserContext()).ID, 10)
	d, err := tenant.Cached(c.UserContext(), m.Cache, key, func() (showData, time.Time, error) { return m.showData(c.UserContext(), id) })
	if err != nil {
		return err
	}
	v.Community, v.Members, v.Pending, v.Subs, v.Items = d.Community, d.Members, d.Pending, d.Subs, d.Items
	v.Frequency, v.Candidates, v.Manage, v.Validate, v.Member = d.Frequency, d.Candidates, d.Manage, d.Validate, d.Member
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, status, "show.html", v)
}

// showData reads what community id's page shows the member, and until
// when it stays true if nothing is written.
func (m *Module) showData(ctx context.Context, id int64) (showData, time.Time, error) {
	var d showData
	until := time.Now().Add(time.Hour)
	vw := viewerOf(ctx) // roles are read with the data, under the cache's watch
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Community, err = Get(ctx, tx, vw, id); err != nil {
			return err
		}
		if err := d.readPeople(ctx, tx, vw); err != nil {
			return err
		}
		if ctx, err = scope.Preload(ctx, tx, vw.UserID); err != nil {
			return err
		}
		for _, src := range m.Content {
			items, err := src.CommunityItems(ctx, tx, d.Community.ID, vw.UserID, 20)
			if err != nil {
				return err
			}
			d.Items = append(d.Items, items...)
		}
		until, err = feed.Until(ctx, tx, until, m.Content)
		return err
	})
	return d, until, err
}

// readPeople reads what vw may do in d's community, its sub-communities,
// and the people they see there: members, and for managers those waiting
// and those they can invite.
func (d *showData) readPeople(ctx context.Context, tx bun.Tx, vw Viewer) error {
	rctx, err := WithRoles(ctx, tx, vw.UserID, d.Community.ID)
	if err != nil {
		return err
	}
	d.Member = d.Community.MyState == Active
	if d.Member {
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(notify_frequency, '') FROM community_members WHERE community_id = ? AND user_id = ?",
			d.Community.ID, vw.UserID).Scan(&d.Frequency); err != nil {
			return err
		}
	}
	d.Manage = authz.Can(rctx, d.Community.Object(), "manage") && d.Community.State == "active"
	d.Validate = vw.Validator && d.Community.State == "to_validate"
	if d.Subs, err = List(ctx, tx, vw, Filter{Parent: d.Community.ID}); err != nil {
		return err
	}
	if d.Member || d.Manage || d.Community.Kind == Open {
		if d.Members, err = Members(ctx, tx, d.Community.ID, Active); err != nil {
			return err
		}
	}
	if d.Manage {
		if d.Pending, err = Members(ctx, tx, d.Community.ID, RequestSent, Invited); err != nil {
			return err
		}
		d.Candidates, err = candidates(ctx, tx, d.Community.ID)
	}
	return err
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
