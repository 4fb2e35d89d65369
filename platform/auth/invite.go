package auth

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
)

// inviteValidity is how long an invitation link works.
const inviteValidity = 7 * 24 * time.Hour

// Invite mails an invited user (e.g. the first tenant admin recorded at
// provisioning) a link to set up their account, valid for a week.
func (l *Local) Invite(ctx context.Context, tx bun.IDB, base, site, email string) error {
	u, err := UserByEmail(ctx, tx, email)
	if err != nil {
		return err
	}
	token, err := newLinkToken(ctx, tx, u.ID, PurposeInvite, l.now().Add(inviteValidity))
	if err != nil {
		return err
	}
	link := base + "/auth/invite?token=" + url.QueryEscape(token)
	return l.sendKeyed(ctx, u.Email, "mail.invite", []any{"Link", link, "Site", site}, "Invito a "+site+" / Invitation to "+site,
		"Sei stato invitato a partecipare a %s. Apri questo link entro 7 giorni per scegliere la password: %s\n\n"+
			"You have been invited to join %s. Open this link within 7 days to choose your password: %s\n",
		site, link, site, link)
}

// AcceptInvite consumes an invitation, sets the password, verifies the
// address and activates the account.
func (l *Local) AcceptInvite(ctx context.Context, tx bun.IDB, token, pw string) (*User, error) {
	id, err := l.passwordByLink(ctx, tx, token, PurposeInvite, pw, true)
	if err != nil {
		return nil, err
	}
	return UserByID(ctx, tx, id)
}

func (m *Module) inviteForm(c *fiber.Ctx) error {
	return m.render(c, fiber.StatusOK, "reset.html", view{Title: "auth.welcome.title", Token: c.Query("token"), Action: "/auth/invite"})
}

func (m *Module) acceptInvite(c *fiber.Ctx) error {
	token := c.FormValue("token")
	err := m.AcceptInvitation(c.UserContext(), token, c.FormValue("password"))
	if platformInvalid(err) {
		return m.render(c, fiber.StatusUnprocessableEntity, "reset.html", view{Title: "auth.welcome.title", Error: m.errText(c, err), Field: fieldOf(err, ""), Token: token, Action: "/auth/invite"})
	}
	if err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "message.html", view{Title: "auth.welcome.title", Message: "auth.welcome.done"})
}

func platformInvalid(err error) bool { return errors.Is(err, platform.ErrInvalid) }
