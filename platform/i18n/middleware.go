package i18n

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/redirect"
)

// CookieName keeps the language a visitor chose.
const CookieName = "piazza_lang"

type ctxKey struct{}

// NewContext returns ctx carrying the request's localizer.
func NewContext(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// FromContext is the request's localizer; the default language's when the
// middleware did not run (so that error pages always translate).
func (b *Bundle) FromContext(ctx context.Context) *Localizer {
	if l, ok := ctx.Value(ctxKey{}).(*Localizer); ok {
		return l
	}
	return b.For(Default)
}

// Prefs says, for a request, which languages its site offers, its default
// and the signed-in user's preference ("" for none).
type Prefs func(c *fiber.Ctx) (enabled []string, def, user string)

// Middleware chooses the request's language and puts its localizer in the
// request's context; GET /lang?l=xx&return_to=/path switches it.
func (b *Bundle) Middleware(prefs Prefs, secure bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		enabled, def, user := prefs(c)
		if c.Path() == "/lang" && c.Method() == fiber.MethodGet {
			if l := c.Query("l"); Choose(enabled, def, l, "", "") == l {
				c.Cookie(&fiber.Cookie{Name: CookieName, Value: l, Path: "/", HTTPOnly: true, Secure: secure,
					SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(365 * 24 * time.Hour)})
			}
			return redirect.To(c, c.Query("return_to"))
		}
		lang := Choose(enabled, def, user, c.Cookies(CookieName), c.Get(fiber.HeaderAcceptLanguage))
		c.SetUserContext(NewContext(c.UserContext(), b.For(lang)))
		c.Locals("lang", lang)
		return c.Next()
	}
}
