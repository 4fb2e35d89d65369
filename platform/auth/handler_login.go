package auth

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/tenant"
)

func (m *Module) loginForm(c *fiber.Ctx) error {
	var local bool
	err := tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
		var err error
		local, err = localEnabled(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	var links []IdPLink
	if m.IdPLinks != nil {
		links = m.IdPLinks(c.UserContext())
	}
	return m.render(c, fiber.StatusOK, "login.html", view{Title: "auth.sign_in", Local: local, IdPs: links, ReturnTo: redirect.Safe(c.Query("return_to"))})
}

func (m *Module) login(c *fiber.Ctx) error {
	email, pw, ret := c.FormValue("email"), c.FormValue("password"), redirect.Safe(c.FormValue("return_to"))
	var token string
	var sess session.Session
	var authErr error
	err := tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
		on, err := localEnabled(ctx, tx)
		if err != nil || !on {
			authErr = fiber.ErrNotFound
			return err
		}
		u, err := m.Local.Authenticate(ctx, tx, email, pw, c.IP())
		if err != nil {
			authErr = err // failures are recorded: commit
			return nil
		}
		sess = session.Session{UserID: u.ID, ClientAddr: c.IP(), UserAgent: truncate(c.Get(fiber.HeaderUserAgent), 300)}
		token, err = m.Sessions.Create(ctx, tx, &sess)
		return err
	})
	if err != nil {
		return err
	}
	if errors.Is(authErr, fiber.ErrNotFound) {
		return authErr
	}
	if authErr != nil {
		return m.render(c, fiber.StatusUnauthorized, "login.html", view{Title: "auth.sign_in", Local: true,
			Error: m.errText(c, authErr), Email: email, ReturnTo: ret})
	}
	m.setCookie(c, token, sess.ExpiresAt)
	m.CSRF.Rotate(c)
	return redirect.To(c, ret)
}

func (m *Module) logout(c *fiber.Ctx) error {
	var ended *session.Session
	if token := c.Cookies(CookieName); token != "" {
		err := tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
			ended, _ = m.Sessions.Lookup(ctx, tx, token)
			return m.Sessions.Delete(ctx, tx, token)
		})
		if err != nil {
			return err
		}
	}
	m.clearCookie(c)
	m.CSRF.Rotate(c)
	if ended != nil && m.EndSession != nil {
		if u := m.EndSession(c.UserContext(), ended.Method, ended.IDToken, m.base(c)+"/"); u != "" {
			return redirect.Away(c, u, fiber.StatusSeeOther)
		}
	}
	return redirect.To(c, "/")
}

func (m *Module) logoutEverywhere(c *fiber.Ctx) error {
	u := UserFromContext(c.UserContext())
	if u == nil {
		return redirect.To(c, "/auth/login")
	}
	err := tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
		return m.Sessions.DeleteUser(ctx, tx, u.ID)
	})
	if err != nil {
		return err
	}
	m.clearCookie(c)
	m.CSRF.Rotate(c)
	return redirect.To(c, "/")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
