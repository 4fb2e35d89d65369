package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/idp"
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
	action := c.Params("action")
	var u *auth.User
	switch action {
	case "suspend", "activate":
		u, err = m.SetStatus(ctx, id, action == "suspend")
	case "role":
		if u, err = m.Member(ctx, id); err == nil {
			err = m.SetRole(ctx, u, c.FormValue("role"))
			action = "role:" + c.FormValue("role")
		}
	default:
		if _, err = m.Member(ctx, id); err == nil {
			err = fiber.ErrNotFound
		}
	}
	if errors.Is(err, platform.ErrConflict) { // their own account
		return m.render(c, fiber.StatusConflict, "", m.ErrText(c, err))
	}
	if err != nil {
		return err
	}
	return m.done(c, t, "member."+action, map[string]any{"user": u.Subject(), "email": u.Email})
}

// done records an admin's action in the audit trail and shows the
// overview with the message that it is done.
func (m *Module) done(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error {
	if err := m.Record(c, t, action, detail); err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, m.T(c, "admin.done"), "")
}

// invite records an invited member and mails them a link.
func (m *Module) invite(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	email := strings.TrimSpace(c.FormValue("email"))
	err := m.Invite(c.UserContext(), email, tenant.SiteURL(c, m.Scheme, ""))
	if errors.Is(err, platform.ErrInvalid) || errors.Is(err, platform.ErrUnavailable) || errors.Is(err, platform.ErrConflict) {
		return m.renderFields(c, fiber.StatusUnprocessableEntity, "", "", map[string]string{"invite": m.ErrText(c, err)})
	}
	if err != nil {
		return err
	}
	if err := m.Record(c, t, "member.invite", map[string]any{"email": email}); err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, m.T(c, "admin.invited", "Email", email), "")
}

// localAccounts turns local accounts on, or off once the admin ticked the
// box saying they understand what it means for members.
func (m *Module) localAccounts(c *fiber.Ctx) error {
	on := c.FormValue("on") == "on"
	err := m.SetLocalAccounts(c.UserContext(), on, c.FormValue("confirm") == "yes")
	if errors.Is(err, platform.ErrInvalid) || errors.Is(err, platform.ErrConflict) {
		return m.renderFields(c, fiber.StatusUnprocessableEntity, "", "", map[string]string{"confirm": m.ErrText(c, err)})
	}
	if err != nil {
		return err
	}
	return m.done(c, tenant.FromContext(c.UserContext()), "settings.local_accounts", map[string]any{"on": on})
}

func (m *Module) addHost(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	h, err := m.Registry.AddHost(c.UserContext(), t.ID, c.FormValue("host"))
	if errors.Is(err, platform.ErrInvalid) || errors.Is(err, platform.ErrConflict) {
		return m.renderFields(c, fiber.StatusUnprocessableEntity, "", "", map[string]string{"host": m.ErrText(c, err)})
	}
	if err != nil {
		return err
	}
	return m.done(c, t, "host.add", map[string]any{"host": h})
}

func (m *Module) removeHost(c *fiber.Ctx) error {
	t := tenant.FromContext(c.UserContext())
	h := c.FormValue("host")
	if err := m.Registry.RemoveHost(c.UserContext(), t.ID, h); err != nil {
		if errors.Is(err, platform.ErrNotFound) {
			return m.render(c, fiber.StatusUnprocessableEntity, "", m.ErrText(c, err))
		}
		return err
	}
	return m.done(c, t, "host.remove", map[string]any{"host": h})
}

func (m *Module) idpAction(c *fiber.Ctx) error {
	ctx, t := c.UserContext(), tenant.FromContext(c.UserContext())
	key, action := c.Params("key"), c.Params("action")
	switch action {
	case "enable", "disable":
		if err := m.IdPs.SetEnabled(ctx, t.ID, key, action == "enable"); err != nil {
			var chain *idp.ChainError
			if errors.As(err, &chain) { // the admin sees why the provider stays off
				return m.render(c, fiber.StatusUnprocessableEntity, "", m.ErrText(c, err))
			}
			return err
		}
		return m.done(c, t, "idp."+action, map[string]any{"key": key})
	case "check":
		i, err := m.IdPs.Get(ctx, t.ID, key)
		if err != nil {
			return err
		}
		if i.EntityID != "" {
			report, err := idp.CheckChain(ctx, m.IdPs.Chains, i.EntityID)
			if err != nil {
				return m.render(c, fiber.StatusOK, "", m.ErrText(c, err))
			}
			return m.render(c, fiber.StatusOK, report, "")
		}
		report, err := m.Check(ctx, i.Issuer)
		if err != nil {
			return m.render(c, fiber.StatusOK, "", i.Issuer+": "+err.Error())
		}
		return m.render(c, fiber.StatusOK, report, "")
	}
	return fiber.ErrNotFound
}
