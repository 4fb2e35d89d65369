package session

import (
	"time"

	"github.com/gofiber/fiber/v2"
)

// CookieName is the session cookie, on tenant hosts and on the operator host
// alike: it is host-only (no Domain), so a host never sees another's.
const CookieName = "piazza_session"

// SetCookie gives the browser its session token: host-only, HttpOnly,
// SameSite=Lax, Secure outside development.
func SetCookie(c *fiber.Ctx, token string, expires time.Time, secure bool) {
	c.Cookie(&fiber.Cookie{Name: CookieName, Value: token, Path: "/", HTTPOnly: true,
		Secure: secure, SameSite: fiber.CookieSameSiteLaxMode, Expires: expires})
}

// ClearCookie removes the session cookie.
func ClearCookie(c *fiber.Ctx, secure bool) {
	SetCookie(c, "", time.Unix(0, 0), secure)
}
