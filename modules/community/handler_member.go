package community

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/tenant"
)

// join: an open community takes the member at once, a reserved one records
// the request for its managers; a closed one is joined only by invitation.
func (m *Module) join(c *fiber.Ctx) error {
	vw := viewer(c)
	var flash string
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		com, err := Get(ctx, tx, vw, paramID(c, "id"))
		if err != nil {
			return err
		}
		if com.State != "active" || com.Kind == Closed {
			return errNotFound
		}
		cur, err := membership(ctx, tx, com.ID, vw.UserID)
		if err != nil {
			return err
		}
		if cur != nil && cur.State != Rejected {
			if cur.State == Invited {
				flash = "accepted"
				return setMember(ctx, tx, com.ID, vw.UserID, "state = 'active', decided_at = now()")
			}
			return ErrMember
		}
		if com.Kind == Open {
			flash = "joined"
			return upsertMember(ctx, tx, com.ID, vw.UserID, Participant, Active, 0)
		}
		flash = "requested"
		return upsertMember(ctx, tx, com.ID, vw.UserID, Participant, RequestSent, 0)
	})
	if err != nil {
		return err
	}
	return m.back(c, paramID(c, "id"), flash)
}

// leave ends the member's membership (or request); the last manager stays.
func (m *Module) leave(c *fiber.Ctx) error {
	vw := viewer(c)
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		com, err := Get(ctx, tx, vw, paramID(c, "id"))
		if err != nil {
			return err
		}
		cur, err := membership(ctx, tx, com.ID, vw.UserID)
		if err != nil || cur == nil {
			return err
		}
		if err := keepAManager(ctx, tx, com.ID, cur); err != nil {
			return err
		}
		_, err = tx.NewDelete().Table("community_members").Where("community_id = ? AND user_id = ?", com.ID, vw.UserID).Exec(ctx)
		return err
	})
	if err != nil {
		return err
	}
	return m.back(c, 0, "")
}

// keepAManager refuses to take away the last active manager.
func keepAManager(ctx context.Context, tx bun.IDB, id int64, cur *Member) error {
	if cur.Role != Manager || cur.State != Active {
		return nil
	}
	n, err := managers(ctx, tx, id)
	if err != nil {
		return err
	}
	if n <= 1 {
		return ErrLastManager
	}
	return nil
}

// answer accepts or declines the member's invitation.
func (m *Module) answer(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		vw := viewer(c)
		err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
			com, err := Get(ctx, tx, vw, paramID(c, "id"))
			if err != nil {
				return err
			}
			cur, err := membership(ctx, tx, com.ID, vw.UserID)
			if err != nil {
				return err
			}
			if cur == nil || cur.State != Invited {
				return ErrNotInvited
			}
			if accept {
				return setMember(ctx, tx, com.ID, vw.UserID, "state = 'active', decided_at = now()")
			}
			_, err = tx.NewDelete().Table("community_members").Where("community_id = ? AND user_id = ?", com.ID, vw.UserID).Exec(ctx)
			return err
		})
		if err != nil {
			return err
		}
		if !accept {
			return m.back(c, 0, "")
		}
		return m.back(c, paramID(c, "id"), "accepted")
	}
}

// managed runs fn for a community the request's member manages.
func (m *Module) managed(c *fiber.Ctx, fn func(ctx context.Context, tx bun.Tx, com *Community) error) error {
	vw := viewer(c)
	return m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		com, err := Get(ctx, tx, vw, paramID(c, "id"))
		if err != nil {
			return err
		}
		rctx, err := WithRoles(ctx, tx, vw.UserID, com.ID)
		if err != nil {
			return err
		}
		if com.State != "active" || !authz.Can(rctx, com.Object(), "manage") {
			return authz.ErrForbidden
		}
		return fn(ctx, tx, com)
	})
}

// ErrNoSuchPerson is an invitation for an address or member not found.
var ErrNoSuchPerson = platform.NewKeyedError(platform.ErrInvalid, "community.error.invitee", "give a member or a valid e-mail address")

// ErrChoice is a value that is not among those a form offers.
var ErrChoice = platform.NewKeyedError(platform.ErrInvalid, "community.error.choice", "choose one of the options offered")

// invite invites a member of the directory (user id) or an address: an
// address with no account becomes an invited account, mailed a link to set
// it up; an existing member is mailed a link to the community.
func (m *Module) invite(c *fiber.Ctx) error {
	vw := viewer(c)
	email := strings.TrimSpace(c.FormValue("email"))
	uid := int64(formInt(c, "user"))
	var newAccount bool
	var to, name string
	err := m.managed(c, func(ctx context.Context, tx bun.Tx, com *Community) error {
		var u *auth.User
		var err error
		switch {
		case uid > 0:
			u, err = auth.UserByID(ctx, tx, uid)
		case strings.Count(email, "@") == 1 && len(email) <= 254 && !strings.ContainsAny(email, " <>,;\""):
			u, err = auth.UserByEmail(ctx, tx, email)
			if errors.Is(err, auth.ErrUserNotFound) {
				if _, err = tx.ExecContext(ctx, "INSERT INTO users (email, status) VALUES (?, 'invited')", email); err != nil {
					return fmt.Errorf("record invited person: %w", err)
				}
				newAccount = true
				u, err = auth.UserByEmail(ctx, tx, email)
			}
		default:
			return ErrNoSuchPerson
		}
		if errors.Is(err, auth.ErrUserNotFound) || (err == nil && u.Status == "suspended") {
			return ErrNoSuchPerson
		}
		if err != nil {
			return err
		}
		cur, err := membership(ctx, tx, com.ID, u.ID)
		if err != nil {
			return err
		}
		if cur != nil && cur.State == Active {
			return ErrMember
		}
		if cur != nil && cur.State == RequestSent {
			// an invitation answers a pending request: the person is in.
			return setMember(ctx, tx, com.ID, u.ID, "state = 'active', decided_at = now()")
		}
		to, name = u.Email, com.Name
		if err := upsertMember(ctx, tx, com.ID, u.ID, Participant, Invited, vw.UserID); err != nil {
			return err
		}
		if newAccount {
			return m.Local.Invite(ctx, tx, m.base(c), m.site(c), u.Email)
		}
		return nil
	})
	if errors.Is(err, platform.ErrInvalid) || errors.Is(err, platform.ErrConflict) {
		return m.renderShow(c, statusOf(err), platform.Localize(err, m.Shell.I18n.FromContext(c.UserContext()).T))
	}
	if err != nil {
		return err
	}
	if to != "" && !newAccount {
		link := fmt.Sprintf("%s/communities/%d", m.base(c), paramID(c, "id"))
		loc := m.Shell.I18n.FromContext(c.UserContext())
		err := m.Mail.Send(c.UserContext(), mail.Message{To: to,
			Subject: loc.T("community.mail.invited.subject", "Community", name, "Site", m.site(c)),
			Text:    loc.T("community.mail.invited.body", "Community", name, "Site", m.site(c), "Link", link)})
		if err != nil {
			return err
		}
	}
	return m.back(c, paramID(c, "id"), "invited")
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
	action, uid := c.Params("action"), paramID(c, "uid")
	role := c.FormValue("role")
	err := m.managed(c, func(ctx context.Context, tx bun.Tx, com *Community) error {
		cur, err := membership(ctx, tx, com.ID, uid)
		if err != nil {
			return err
		}
		if cur == nil {
			return errNotFound
		}
		switch action {
		case "approve", "reject":
			if cur.State != RequestSent {
				return ErrNotInvited
			}
			state := Active
			if action == "reject" {
				state = Rejected
			}
			return setMember(ctx, tx, com.ID, uid, "state = ?, decided_at = now()", state)
		case "remove":
			if err := keepAManager(ctx, tx, com.ID, cur); err != nil {
				return err
			}
			_, err := tx.NewDelete().Table("community_members").Where("community_id = ? AND user_id = ?", com.ID, uid).Exec(ctx)
			return err
		case "role":
			if !slices.Contains(Roles, role) {
				return ErrChoice
			}
			if role != Manager {
				if err := keepAManager(ctx, tx, com.ID, cur); err != nil {
					return err
				}
			}
			return setMember(ctx, tx, com.ID, uid, "role = ?", role)
		}
		return errNotFound
	})
	if errors.Is(err, platform.ErrConflict) || errors.Is(err, platform.ErrInvalid) {
		return m.renderShow(c, statusOf(err), platform.Localize(err, m.Shell.I18n.FromContext(c.UserContext()).T))
	}
	if err != nil {
		return err
	}
	flash := map[string]string{"approve": "approved", "reject": "rejected", "remove": "removed", "role": "role"}[action]
	return m.back(c, paramID(c, "id"), flash)
}

// validate is the tenant's decision on a community a member created while
// new communities wait for validation.
func (m *Module) validate(approve bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		vw := viewer(c)
		if !vw.Validator {
			return authz.ErrForbidden
		}
		err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
			com, err := Get(ctx, tx, vw, paramID(c, "id"))
			if err != nil {
				return err
			}
			if com.State != "to_validate" {
				return ErrState
			}
			state := "active"
			if !approve {
				state = "rejected"
			}
			_, err = tx.NewUpdate().Table("communities").Set("state = ?", state).Where("id = ?", com.ID).Exec(ctx)
			return err
		})
		if err != nil {
			return err
		}
		if approve {
			return m.back(c, paramID(c, "id"), "validated")
		}
		return m.back(c, paramID(c, "id"), "refused")
	}
}

// frequencies are a member's choices of e-mail for one community ("" for
// their profile's).
var frequencies = []string{"", "immediate", "daily", "weekly", "monthly", "off"}

// frequency sets how often the member hears of this community's content.
func (m *Module) frequency(c *fiber.Ctx) error {
	vw := viewer(c)
	f := c.FormValue("frequency")
	if !slices.Contains(frequencies, f) {
		return ErrChoice
	}
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		com, err := Get(ctx, tx, vw, paramID(c, "id"))
		if err != nil {
			return err
		}
		if com.MyState != Active {
			return errNotFound
		}
		var val any
		if f != "" {
			val = f
		}
		return setMember(ctx, tx, com.ID, vw.UserID, "notify_frequency = ?", val)
	})
	if err != nil {
		return err
	}
	return m.back(c, paramID(c, "id"), "frequency")
}
