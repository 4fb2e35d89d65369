package auth

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/tenant"
)

// withLocal runs fn in the tenant's transaction when local accounts are on,
// and answers 404 when they are off.
func (m *Module) withLocal(c *fiber.Ctx, fn func(ctx context.Context, tx bun.Tx) error) error {
	return tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
		on, err := localEnabled(ctx, tx)
		if err != nil {
			return err
		}
		if !on {
			return fiber.ErrNotFound
		}
		return fn(ctx, tx)
	})
}

func (m *Module) registerForm(c *fiber.Ctx) error {
	return m.withLocal(c, func(context.Context, bun.Tx) error {
		return m.render(c, fiber.StatusOK, "register.html", view{Title: "Registrati / Register"})
	})
}

func (m *Module) register(c *fiber.Ctx) error {
	r := Registration{Email: c.FormValue("email"), Name: c.FormValue("name"), Password: c.FormValue("password")}
	err := m.withLocal(c, func(ctx context.Context, tx bun.Tx) error {
		return m.Local.Register(ctx, tx, m.base(c), r)
	})
	if errors.Is(err, platform.ErrInvalid) {
		return m.render(c, fiber.StatusUnprocessableEntity, "register.html", view{Title: "Registrati / Register", Error: err.Error(), Email: r.Email, Name: r.Name})
	}
	if err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "message.html", view{Title: "Controlla la posta / Check your mail",
		Message: "Ti abbiamo scritto: apri il link nel messaggio per attivare l'account. / We have written to you: open the link in the message to activate your account."})
}

func (m *Module) verify(c *fiber.Ctx) error {
	err := m.withLocal(c, func(ctx context.Context, tx bun.Tx) error {
		_, err := m.Local.Verify(ctx, tx, c.Query("token"))
		return err
	})
	if errors.Is(err, ErrBadLink) {
		return m.render(c, fiber.StatusBadRequest, "message.html", view{Title: "Link non valido / Invalid link", Error: err.Error()})
	}
	if err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "message.html", view{Title: "Indirizzo confermato / Address confirmed",
		Message: "Ora puoi accedere. / You can sign in now."})
}

func (m *Module) resetForm(c *fiber.Ctx) error {
	return m.withLocal(c, func(context.Context, bun.Tx) error {
		return m.render(c, fiber.StatusOK, "reset.html", view{Title: "Reimposta la password / Reset your password", Token: c.Query("token")})
	})
}

func (m *Module) reset(c *fiber.Ctx) error {
	token := c.FormValue("token")
	title := "Reimposta la password / Reset your password"
	if token == "" {
		err := m.withLocal(c, func(ctx context.Context, tx bun.Tx) error {
			return m.Local.RequestReset(ctx, tx, m.base(c), c.FormValue("email"))
		})
		if err != nil {
			return err
		}
		return m.render(c, fiber.StatusOK, "message.html", view{Title: title,
			Message: "Se l'indirizzo è registrato, riceverai un link. / If the address is registered, a link is on its way."})
	}
	err := m.withLocal(c, func(ctx context.Context, tx bun.Tx) error {
		_, err := m.Local.Reset(ctx, tx, token, c.FormValue("password"))
		return err
	})
	if errors.Is(err, platform.ErrInvalid) {
		return m.render(c, fiber.StatusUnprocessableEntity, "reset.html", view{Title: title, Error: err.Error(), Token: token})
	}
	if err != nil {
		return err
	}
	return m.render(c, fiber.StatusOK, "message.html", view{Title: title, Message: "Password cambiata: ora puoi accedere. / Password changed: you can sign in now."})
}

func (m *Module) passwordForm(c *fiber.Ctx) error {
	if UserFromContext(c.UserContext()) == nil {
		return c.Redirect("/auth/login?return_to=/auth/password", fiber.StatusSeeOther)
	}
	return m.render(c, fiber.StatusOK, "password.html", view{Title: "Il tuo account / Your account"})
}

func (m *Module) changePassword(c *fiber.Ctx) error {
	u := UserFromContext(c.UserContext())
	if u == nil {
		return c.Redirect("/auth/login?return_to=/auth/password", fiber.StatusSeeOther)
	}
	var authErr error
	err := tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
		authErr = m.Local.ChangePassword(ctx, tx, u.ID, c.FormValue("current"), c.FormValue("password"))
		if errors.Is(authErr, ErrBadCredentials) || errors.Is(authErr, platform.ErrInvalid) {
			return nil
		}
		return authErr
	})
	if err != nil {
		return err
	}
	if authErr != nil {
		return m.render(c, fiber.StatusUnprocessableEntity, "password.html", view{Title: "Il tuo account / Your account", Error: authErr.Error()})
	}
	return m.render(c, fiber.StatusOK, "password.html", view{Title: "Il tuo account / Your account", Message: "Password cambiata. / Password changed."})
}
