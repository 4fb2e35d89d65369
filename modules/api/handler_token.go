package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// tokensView is the page of the member's personal access tokens.
type tokensView struct {
	web.Page
	Tokens []Token
	// Form is what the form of a new token shows again after a refusal.
	Form NewToken
	// Secret is a token just created, shown this once; Created its name.
	Secret, Created string
	// Example is a curl command for the site's API with the token.
	Base           string
	Now            time.Time
	Message, Error string
	Errors         map[string]string
}

// tokenList shows the member's tokens and the form of a new one.
func (m *Module) tokenList(c *fiber.Ctx) error {
	v := tokensView{Form: NewToken{Scope: ScopeRead}}
	if c.Query("done") == "revoked" {
		v.Message = "api.token.revoked"
	}
	return m.renderTokens(c, fiber.StatusOK, v)
}

// tokenCreate creates a token from the form and shows its secret, once.
func (m *Module) tokenCreate(c *fiber.Ctx) error {
	in := NewToken{Name: c.FormValue("name"), Scope: c.FormValue("scope"), Expires: c.FormValue("expires")}
	errs := form.Errors{}
	t := in.check(time.Now().In(i18n.Zone), errs)
	if len(errs) > 0 {
		v := tokensView{Form: in, Errors: errs.Translate(m.Shell.I18n.FromContext(c.UserContext()).T)}
		return m.renderTokens(c, fiber.StatusUnprocessableEntity, v)
	}
	uid := auth.UserFromContext(c.UserContext()).ID
	var s string
	err := m.Tx(c.UserContext(), func(ctx context.Context, tx bun.Tx) error {
		var err error
		s, err = createToken(ctx, tx, uid, t)
		return err
	})
	if err != nil {
		return err
	}
	if err := m.audit(c, "api.token.create", map[string]any{"token_id": t.ID, "name": t.Name, "scope": t.Scope()}); err != nil {
		return err
	}
	return m.renderTokens(c, fiber.StatusOK, tokensView{Form: NewToken{Scope: ScopeRead}, Secret: s, Created: t.Name})
}

// tokenRevoke revokes one of the member's tokens (another's is not found).
func (m *Module) tokenRevoke(c *fiber.Ctx) error {
	uid := auth.UserFromContext(c.UserContext()).ID
	var t *Token
	err := m.Tx(c.UserContext(), func(ctx context.Context, tx bun.Tx) error {
		var err error
		t, err = revokeToken(ctx, tx, uid, screen.ParamID(c, "id"))
		return err
	})
	if err != nil {
		return err
	}
	if err := m.audit(c, "api.token.revoke", map[string]any{"token_id": t.ID, "name": t.Name}); err != nil {
		return err
	}
	return redirect.To(c, "/profile/tokens?done=revoked")
}

// renderTokens draws the page with the member's tokens.
func (m *Module) renderTokens(c *fiber.Ctx, status int, v tokensView) error {
	uid := auth.UserFromContext(c.UserContext()).ID
	err := m.Tx(c.UserContext(), func(ctx context.Context, tx bun.Tx) error {
		var err error
		v.Tokens, err = tokensOf(ctx, tx, uid)
		return err
	})
	if err != nil {
		return err
	}
	v.Page, v.Base, v.Now = m.Page(c), m.link(c, Path), time.Now()
	if v.Message != "" {
		v.Message = v.L.T(v.Message)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, status, "tokens.html", v)
}

// audit records a member's action on their tokens in the tenant's audit
// trail (never the secret).
func (m *Module) audit(c *fiber.Ctx, action string, detail map[string]any) error {
	if m.record == nil {
		return nil
	}
	return m.record(c, tenant.FromContext(c.UserContext()), action, detail)
}
