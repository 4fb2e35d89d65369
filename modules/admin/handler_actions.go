package admin

import (
	"context"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/tenant"
)

// member suspends or reactivates a user, or changes their role. Admins
// cannot lock themselves out.
func (m *Module) member(c *fiber.Ctx) error {
	ctx, t := c.UserContext(), tenant.FromContext(c.UserContext())
	id, err := userID(c)
	if err != nil {
		return err
	}
	self := auth.UserFromContext(ctx)
	action := c.Params("action")
	var u *auth.User
	err = tenant.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		if u, err = auth.UserByID(ctx, tx, id); err != nil {
			return err
		}
		switch action {
		case "suspend", "activate":
			if self != nil && self.ID == id {
				return errSelf
			}
			status := map[string]string{"suspend": auth.StatusSuspended, "activate": auth.StatusActive}[action]
			if err := auth.SetStatus(ctx, tx, id, status); err != nil {
				return err
			}
			if action == "suspend" {
				return session.Tenant(0, 0).DeleteUser(ctx, tx, id)
			}
			return nil
		case "role":
			return nil
		}
		return fiber.ErrNotFound
	})
	if errors.Is(err, errSelf) {
		return m.render(c, fiber.StatusConflict, "", m.t(c, "admin.self"))
	}
	if err != nil {
		return err
	}
	if action == "role" {
		if err := m.setRole(c, t, u, c.FormValue("role")); err != nil {
			if errors.Is(err, errSelf) {
				return m.render(c, fiber.StatusConflict, "", m.t(c, "admin.self"))
			}
			return err
		}
		action = "role:" + c.FormValue("role")
	}
	if err := m.Record(c, t, "member."+action, map[string]any{"user": u.Subject(), "email": u.Email}); err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, m.t(c, "admin.done"), "")
}

var errSelf = platform.NewError(platform.ErrConflict, "an admin cannot lock themselves out")

// setRole replaces the user's stored tenant role; "member" stores none.
func (m *Module) setRole(c *fiber.Ctx, t *tenant.Tenant, u *auth.User, role string) error {
	valid := false
	for _, r := range roles {
		valid = valid || r == role
	}
	if !valid {
		return platform.NewError(platform.ErrInvalid, "unknown role")
	}
	if self := auth.UserFromContext(c.UserContext()); self != nil && self.ID == u.ID && role != "admin" {
		return errSelf
	}
	return m.DB.RunInTx(c.UserContext(), nil, func(ctx context.Context, tx bun.Tx) error {
		for _, r := range roles[1:] {
			if err := authz.Unassign(ctx, tx, u.Subject(), "role:"+r, t.Domain()); err != nil {
				return err
			}
		}
		if role == "member" {
			return nil
		}
		return authz.Assign(ctx, tx, u.Subject(), "role:"+role, t.Domain())
	})
}

// invite records an invited member and mails them a link.
func (m *Module) invite(c *fiber.Ctx) error {
	ctx, t := c.UserContext(), tenant.FromContext(c.UserContext())
	email := strings.TrimSpace(c.FormValue("email"))
	base := tenant.SiteURL(c, m.Scheme, "")
	err := tenant.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		if _, err := auth.CreateInvited(ctx, tx, email); err != nil {
			return platform.NewKeyedError(platform.ErrInvalid, "auth.error.invalid_email", "not an e-mail address")
		}
		return m.Local.Invite(ctx, tx, base, t.Name, email)
	})
	if errors.Is(err, platform.ErrInvalid) || errors.Is(err, platform.ErrUnavailable) {
		return m.render(c, fiber.StatusUnprocessableEntity, "", m.errText(c, err))
	}
	if err != nil {
		return err
	}
	if err := m.Record(c, t, "member.invite", map[string]any{"email": email}); err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, m.t(c, "admin.invited", "Email", email), "")
}

func (m *Module) localAccounts(c *fiber.Ctx) error {
	ctx, t := c.UserContext(), tenant.FromContext(c.UserContext())
	on := c.FormValue("on") == "on"
	if err := tenant.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error { return auth.SetLocalAccounts(ctx, tx, on) }); err != nil {
		return err
	}
	if err := m.Record(c, t, "settings.local_accounts", map[string]any{"on": on}); err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, m.t(c, "admin.done"), "")
}

func (m *Module) addHost(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	h, err := m.Registry.AddHost(c.UserContext(), t.ID, c.FormValue("host"))
	if errors.Is(err, platform.ErrInvalid) || errors.Is(err, platform.ErrConflict) {
		return m.render(c, fiber.StatusUnprocessableEntity, "", m.errText(c, err))
	}
	if err != nil {
		return err
	}
	if err := m.Record(c, t, "host.add", map[string]any{"host": h}); err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, m.t(c, "admin.done"), "")
}

func (m *Module) removeHost(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	h := c.FormValue("host")
	if err := m.Registry.RemoveHost(c.UserContext(), t.ID, h); err != nil {
		if errors.Is(err, platform.ErrNotFound) {
			return m.render(c, fiber.StatusUnprocessableEntity, "", m.errText(c, err))
		}
		return err
	}
	if err := m.Record(c, t, "host.remove", map[string]any{"host": h}); err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, m.t(c, "admin.done"), "")
}

func (m *Module) idpAction(c *fiber.Ctx) error {
	ctx, t := c.UserContext(), tenant.FromContext(c.UserContext())
	key, action := c.Params("key"), c.Params("action")
	switch action {
	case "enable", "disable":
		if err := m.IdPs.SetEnabled(ctx, t.ID, key, action == "enable"); err != nil {
			return err
		}
		if err := m.Record(c, t, "idp."+action, map[string]any{"key": key}); err != nil {
			return err
		}
		return m.render(c, fiber.StatusOK, m.t(c, "admin.done"), "")
	case "check":
		i, err := m.IdPs.Get(ctx, t.ID, key)
		if err != nil {
			return err
		}
		report, err := m.Check(ctx, i.Issuer)
		if err != nil {
			return m.render(c, fiber.StatusOK, "", i.Issuer+": "+err.Error())
		}
		return m.render(c, fiber.StatusOK, report, "")
	}
	return fiber.ErrNotFound
}
