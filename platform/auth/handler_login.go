package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
)

func (m *Module) loginForm(c *fiber.Ctx) error {
	local, err := m.LocalOn(c.UserContext())
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
	if err := m.RequireLocal(c.UserContext()); err != nil {
		return err
	}
	// Authenticate counts the attempt in a transaction of its own, committed
	// before the password is checked; the session then gets one of its own.
	u, err := m.Local.Authenticate(c.UserContext(), m.DB, email, pw, web.ClientAddr(c))
	if errors.Is(err, ErrBadCredentials) || errors.Is(err, ErrThrottled) {
		return m.render(c, fiber.StatusUnauthorized, "login.html", view{Title: "auth.sign_in", Local: true,
			Error: m.errText(c, err), Field: "email", Email: email, ReturnTo: ret})
	}
	if err != nil {
		return err
	}
	sess := session.Session{UserID: u.ID, ClientAddr: web.ClientAddr(c), UserAgent: truncate(c.Get(fiber.HeaderUserAgent), 300)}
	token, err := m.OpenSession(c.UserContext(), &sess)
	if err != nil {
		return err
	}
	m.setCookie(c, token, sess.ExpiresAt)
	m.CSRF.Rotate(c)
	return redirect.To(c, ret)
}

func (m *Module) logout(c *fiber.Ctx) error {
	var ended *session.Session
	if token := c.Cookies(CookieName); token != "" {
		var err error
		if ended, err = m.CloseSession(c.UserContext(), token); err != nil {
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
	if err := m.CloseSessions(c.UserContext(), u.ID); err != nil {
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
