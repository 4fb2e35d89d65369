package organization

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/web"
)

type showView struct {
	web.Page
	Org             *Organization
	People, Pending []Person
	Manage, Decide  bool
	Validation      bool
	Message, Error  string
}

// flashes are the outcomes an action reports on the page it returns to.
var flashes = []string{"created", "saved", "requested", "accepted", "invited", "approved", "rejected", "removed", "validated", "refused"}

func (m *Module) show(c *fiber.Ctx) error { return m.renderShow(c, fiber.StatusOK, "") }

func (m *Module) renderShow(c *fiber.Ctx, status int, errText string) error {
	v := showView{Page: m.page(c), Error: errText}
	if d := c.Query("done"); slices.Contains(flashes, d) && errText == "" {
		v.Message = v.L.T("organization.done." + d)
	}
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		vw, err := viewer(ctx, tx)
		if err != nil {
			return err
		}
		if v.Org, err = Get(ctx, tx, vw, paramID(c, "id")); err != nil {
			return err
		}
		v.Validation = vw.Validation
		v.Manage = (v.Org.MyRole == Referent && v.Org.MyState == Active) || authz.Can(ctx, "admin/organizations", "manage")
		v.Decide = vw.Facilitator && v.Org.State == ToValidate
		if v.People, err = People(ctx, tx, v.Org.ID, Active); err != nil {
			return err
		}
		if v.Manage {
			v.Pending, err = People(ctx, tx, v.Org.ID, RequestSent, Invited)
		}
		return err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, status, m.pages["show.html"], v)
}

// join asks to be linked to an organisation as an employee.
func (m *Module) join(c *fiber.Ctx) error {
	uid := auth.UserFromContext(c.UserContext()).ID
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		vw, err := viewer(ctx, tx)
		if err != nil {
			return err
		}
		o, err := Get(ctx, tx, vw, paramID(c, "id"))
		if err != nil {
			return err
		}
		p, err := person(ctx, tx, o.ID, uid)
		if err != nil {
			return err
		}
		if p != nil && p.State == Invited {
			return setLink(ctx, tx, o.ID, uid, Active)
		}
		if p != nil && p.State != Rejected {
			return ErrAlready
		}
		return link(ctx, tx, o.ID, uid, Employee, RequestSent)
	})
	if errors.Is(err, ErrAlready) {
		return m.renderShow(c, fiber.StatusConflict, m.errText(c, err))
	}
	if err != nil {
		return err
	}
	return m.back(c, paramID(c, "id"), "requested")
}

// leave ends the member's link (or request); the last referent stays.
func (m *Module) leave(c *fiber.Ctx) error {
	uid := auth.UserFromContext(c.UserContext()).ID
	err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
		vw, err := viewer(ctx, tx)
		if err != nil {
			return err
		}
		o, err := Get(ctx, tx, vw, paramID(c, "id"))
		if err != nil {
			return err
		}
		p, err := person(ctx, tx, o.ID, uid)
		if err != nil || p == nil {
			return err
		}
		if err := keepAReferent(ctx, tx, o.ID, p); err != nil {
			return err
		}
		return unlink(ctx, tx, o.ID, uid)
	})
	if errors.Is(err, ErrLastReferent) {
		return m.renderShow(c, fiber.StatusConflict, m.errText(c, err))
	}
	if err != nil {
		return err
	}
	return redirect.To(c, "/organizations")
}

func keepAReferent(ctx context.Context, tx bun.IDB, id int64, p *Person) error {
	if p.Role != Referent || p.State != Active {
		return nil
	}
	n, err := tx.NewSelect().Table("organization_members").
		Where("organization_id = ? AND role = 'referent' AND state = 'active'", id).Count(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return ErrLastReferent
	}
	return nil
}

// answer accepts or declines the member's invitation to an organisation.
func (m *Module) answer(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		uid := auth.UserFromContext(c.UserContext()).ID
		err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
			p, err := person(ctx, tx, paramID(c, "id"), uid)
			if err != nil {
				return err
			}
			if p == nil || p.State != Invited {
				return ErrNothing
			}
			if accept {
				return setLink(ctx, tx, p.OrganizationID, uid, Active)
			}
			return unlink(ctx, tx, p.OrganizationID, uid)
		})
		if err != nil {
			return err
		}
		if !accept {
			return redirect.To(c, "/organizations")
		}
		return m.back(c, paramID(c, "id"), "accepted")
	}
}

// invite links a member of the tenant (by e-mail) as invited; they accept
// from the organisation's page.
func (m *Module) invite(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	err := m.referent(c, func(ctx context.Context, tx bun.Tx, o *Organization) error {
		u, err := auth.UserByEmail(ctx, tx, email)
		if errors.Is(err, auth.ErrUserNotFound) || (err == nil && u.Status != "active") {
			return ErrNoPerson
		}
		if err != nil {
			return err
		}
		p, err := person(ctx, tx, o.ID, u.ID)
		if err != nil {
			return err
		}
		switch {
		case p != nil && p.State == RequestSent:
			return setLink(ctx, tx, o.ID, u.ID, Active)
		case p != nil && p.State != Rejected:
			return ErrAlready
		}
		return link(ctx, tx, o.ID, u.ID, Employee, Invited)
	})
	if errors.Is(err, platform.ErrInvalid) || errors.Is(err, ErrAlready) {
		status := fiber.StatusUnprocessableEntity
		if errors.Is(err, ErrAlready) {
			status = fiber.StatusConflict
		}
		return m.renderShow(c, status, m.errText(c, err))
	}
	if err != nil {
		return err
	}
	return m.back(c, paramID(c, "id"), "invited")
}

// decide is a referent's decision on a person: approve or reject a request,
// remove someone, make someone referent or employee.
func (m *Module) decide(c *fiber.Ctx) error {
	action, uid := c.Params("action"), paramID(c, "uid")
	err := m.referent(c, func(ctx context.Context, tx bun.Tx, o *Organization) error {
		p, err := person(ctx, tx, o.ID, uid)
		if err != nil {
			return err
		}
		if p == nil {
			return ErrNotFound
		}
		switch action {
		case "approve", "reject":
			if p.State != RequestSent {
				return ErrNothing
			}
			state := Active
			if action == "reject" {
				state = Rejected
			}
			return setLink(ctx, tx, o.ID, uid, state)
		case "remove":
			if err := keepAReferent(ctx, tx, o.ID, p); err != nil {
				return err
			}
			return unlink(ctx, tx, o.ID, uid)
		case Referent, Employee:
			if action == Employee {
				if err := keepAReferent(ctx, tx, o.ID, p); err != nil {
					return err
				}
			}
			_, err := tx.NewUpdate().Table("organization_members").Set("role = ?", action).
				Where("organization_id = ? AND user_id = ?", o.ID, uid).Exec(ctx)
			return err
		}
		return ErrNotFound
	})
	if errors.Is(err, platform.ErrConflict) {
		return m.renderShow(c, fiber.StatusConflict, m.errText(c, err))
	}
	if err != nil {
		return err
	}
	flash := map[string]string{"approve": "approved", "reject": "rejected", "remove": "removed"}[action]
	return m.back(c, paramID(c, "id"), flash)
}

// validate is a facilitator's decision on an organisation waiting for it.
func (m *Module) validate(state string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := m.tx(c, func(ctx context.Context, tx bun.Tx) error {
			vw, err := viewer(ctx, tx)
			if err != nil {
				return err
			}
			if !vw.Facilitator {
				return authz.ErrForbidden
			}
			o, err := Get(ctx, tx, vw, paramID(c, "id"))
			if err != nil {
				return err
			}
			if o.State != ToValidate {
				return ErrNothing
			}
			_, err = tx.NewUpdate().Table("organizations").Set("state = ?", state).Where("id = ?", o.ID).Exec(ctx)
			return err
		})
		if err != nil {
			return err
		}
		if state == Validated {
			return m.back(c, paramID(c, "id"), "validated")
		}
		return m.back(c, paramID(c, "id"), "refused")
	}
}
