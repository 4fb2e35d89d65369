package personal

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

type eraseView struct {
	web.Page
	ID          int64
	Name, Email string
	// Choice is the contributions' fate chosen ("keep", "delete" or "").
	Choice         string
	Error, Message string
	Errors         map[string]string
}

// eraseForm is the confirmation page naming the person and asking what
// becomes of their contributions.
func (m *Module) eraseForm(c *fiber.Ctx) error {
	return m.renderErase(c, fiber.StatusOK, "", nil)
}

func (m *Module) renderErase(c *fiber.Ctx, status int, choice string, errs map[string]string) error {
	ctx := c.UserContext()
	v := eraseView{Page: m.Page(c), ID: screen.ParamID(c, "id"), Choice: choice, Errors: errs}
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, err := auth.UserByID(ctx, tx, v.ID)
		if errors.Is(err, auth.ErrUserNotFound) {
			return ErrPersonNotFound
		}
		if err != nil {
			return err
		}
		var erased bool
		if err := tx.QueryRowContext(ctx, "SELECT erased_at IS NOT NULL FROM users WHERE id = ?", v.ID).Scan(&erased); err != nil {
			return err
		}
		if erased {
			return ErrPersonNotFound
		}
		v.Name, v.Email = u.Name(), u.Email
		return nil
	})
	if err != nil {
		return err
	}
	if self := auth.UserFromContext(ctx); self != nil && self.ID == v.ID {
		v.Error = m.ErrText(c, ErrSelf)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, status, "erase.html", v)
}

// erase erases the person as the admin chose, then goes back to the
// admin area's members.
func (m *Module) erase(c *fiber.Ctx) error {
	ctx, t := c.UserContext(), tenant.FromContext(c.UserContext())
	choice := c.FormValue("contributions")
	if choice != "keep" && choice != "delete" {
		return m.renderErase(c, fiber.StatusUnprocessableEntity, "", map[string]string{"contributions": m.ErrText(c, ErrChoice)})
	}
	admin := auth.UserFromContext(ctx)
	site := m.siteLocalizer(t)
	err := m.Erase(ctx, t, Erasure{UserID: screen.ParamID(c, "id"), Delete: choice == "delete",
		Former: site.T("personal.former_member"), Removed: site.T("personal.comment_removed"),
		Actor: admin.Subject() + " " + admin.Email, ActorID: admin.ID, ClientAddr: web.ClientAddr(c)})
	if errors.Is(err, platform.ErrConflict) {
		return m.renderErase(c, fiber.StatusConflict, choice, nil)
	}
	if err != nil {
		return err
	}
	return web.Done(c, "/admin?erased=1", m.T(c, "personal.erased"))
}

// siteLocalizer speaks the site's default language: the name erased
// accounts take is read by everyone.
func (m *Module) siteLocalizer(t *tenant.Tenant) *i18n.Localizer {
	lang := t.Brand.Published.Language
	if lang == "" {
		lang = i18n.Default
	}
	return m.Shell.I18n.For(lang)
}
