package auth

import (
	"errors"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/redirect"
)

func (m *Module) registerForm(c *fiber.Ctx) error {
	if err := m.RequireLocal(c.UserContext()); err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "register.html", view{Title: "auth.register"})
}

func (m *Module) register(c *fiber.Ctx) error {
	r := Registration{Email: c.FormValue("email"), Name: c.FormValue("name"), Password: c.FormValue("password")}
	err := m.RegisterAccount(c.UserContext(), m.base(c), r)
	if errors.Is(err, platform.ErrInvalid) {
		return m.render(c, fiber.StatusUnprocessableEntity, "register.html", view{Title: "auth.register", Error: m.errText(c, err), Field: fieldOf(err, ""), Email: r.Email, Name: r.Name})
	}
	if err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "message.html", view{Title: "auth.check_mail.title",
		Message: "auth.check_mail.text"})
}

func (m *Module) verify(c *fiber.Ctx) error {
	err := m.VerifyAccount(c.UserContext(), c.Query("token"))
	if errors.Is(err, ErrBadLink) {
		return m.render(c, fiber.StatusBadRequest, "message.html", view{Title: "auth.invalid_link", Error: m.errText(c, err)})
	}
	if err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "message.html", view{Title: "auth.verified.title",
		Message: "auth.verified.text"})
}

func (m *Module) resetForm(c *fiber.Ctx) error {
	if err := m.RequireLocal(c.UserContext()); err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "reset.html", view{Title: "auth.reset.title", Token: c.Query("token")})
}

func (m *Module) reset(c *fiber.Ctx) error {
	token := c.FormValue("token")
	title := "auth.reset.title"
	if token == "" {
		if err := m.RequestReset(c.UserContext(), m.base(c), c.FormValue("email")); err != nil {
			return err
		}
		return m.render(c, fiber.StatusOK, "message.html", view{Title: title,
			Message: "auth.reset.sent"})
	}
	err := m.ResetPassword(c.UserContext(), token, c.FormValue("password"))
	if errors.Is(err, platform.ErrInvalid) {
		return m.render(c, fiber.StatusUnprocessableEntity, "reset.html", view{Title: title, Error: m.errText(c, err), Field: fieldOf(err, ""), Token: token})
	}
	if err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "message.html", view{Title: title, Message: "auth.reset.done"})
}

func (m *Module) passwordForm(c *fiber.Ctx) error {
	if UserFromContext(c.UserContext()) == nil {
		return redirect.To(c, "/auth/login?return_to=/auth/password")
	}
	return m.render(c, fiber.StatusOK, "password.html", view{Title: "auth.account"})
}

func (m *Module) changePassword(c *fiber.Ctx) error {
	u := UserFromContext(c.UserContext())
	if u == nil {
		return redirect.To(c, "/auth/login?return_to=/auth/password")
	}
	err := m.ChangePassword(c.UserContext(), u.ID, c.FormValue("current"), c.FormValue("password"), c.Cookies(CookieName))
	if refused(err) {
		return m.render(c, fiber.StatusUnprocessableEntity, "password.html", view{Title: "auth.account", Error: m.errText(c, err), Field: fieldOf(err, "current")})
	}
	if err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "password.html", view{Title: "auth.account", Message: "auth.password_changed"})
}

// language keeps the signed-in user's language (among the supported ones);
// it then wins over cookies and the browser's.
func (m *Module) language(c *fiber.Ctx) error {
	u := UserFromContext(c.UserContext())
	if u == nil {
		return redirect.To(c, "/auth/login?return_to=/auth/password")
	}
	locale := c.FormValue("locale")
	if !slices.Contains(i18n.Supported, locale) {
		return fiber.ErrUnprocessableEntity
	}
	if err := m.SetLanguageOf(c.UserContext(), u.ID, locale); err != nil {
		return err
	}
	return redirect.To(c, "/auth/password")
}
