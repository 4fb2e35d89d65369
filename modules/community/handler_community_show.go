package community

import (
	"context"
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/web"
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

func (m *Module) show(c *fiber.Ctx) error {
	return m.renderShow(c, fiber.StatusOK, "")
}

// renderShow shows a community's page: to its members the members and the
// content, to managers their tools; to others what they may do to join.
func (m *Module) renderShow(c *fiber.Ctx, status int, errText string) error {
	v := showView{Page: m.PageFor(c, m.site(c)), Roles: Roles, Error: errText}
	if d := c.Query("done"); d != "" && errText == "" {
		v.Message = m.t(c, "community.done."+safeKey(d))
	}
	vw := viewer(c)
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if v.Community, err = Get(ctx, tx, vw, paramID(c, "id")); err != nil {
			return err
		}
		rctx, err := WithRoles(ctx, tx, vw.UserID, v.Community.ID)
		if err != nil {
			return err
		}
		v.Member = v.Community.MyState == Active
		v.Frequencies = frequencies
		if v.Member {
			if err := tx.QueryRowContext(ctx, "SELECT coalesce(notify_frequency, '') FROM community_members WHERE community_id = ? AND user_id = ?",
				v.Community.ID, vw.UserID).Scan(&v.Frequency); err != nil {
				return err
			}
		}
		v.Manage = authz.Can(rctx, v.Community.Object(), "manage") && v.Community.State == "active"
		v.Validate = vw.Validator && v.Community.State == "to_validate"
		if v.Subs, err = List(ctx, tx, vw, Filter{Parent: v.Community.ID}); err != nil {
			return err
		}
		if v.Member || v.Manage || v.Community.Kind == Open {
			if v.Members, err = Members(ctx, tx, v.Community.ID, Active); err != nil {
				return err
			}
		}
		if v.Manage {
			if v.Pending, err = Members(ctx, tx, v.Community.ID, RequestSent, Invited); err != nil {
				return err
			}
			if v.Candidates, err = candidates(ctx, tx, v.Community.ID); err != nil {
				return err
			}
		}
		if ctx, err = scope.Preload(ctx, tx, vw.UserID); err != nil {
			return err
		}
		for _, src := range m.Content {
			items, err := src.CommunityItems(ctx, tx, v.Community.ID, vw.UserID, 20)
			if err != nil {
				return err
			}
			v.Items = append(v.Items, items...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, status, m.pages["show.html"], v)
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
