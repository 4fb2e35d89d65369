// Package csrf protects every state-changing request (forms and htmx) with a
// token bound to a random, host-only, HttpOnly cookie: the token is an HMAC of
// the cookie under the installation's secret key, so any replica can check
// it without shared state (Fiber's own CSRF middleware keeps tokens in a
// store, which would have to be shared between replicas). The Origin header,
// when the browser sends one, must also be the request's own host.
package csrf

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform"
)

// CookieName is the cookie carrying the random value tokens are bound to.
const CookieName = "piazza_csrf"

// FieldName is the form field, HeaderName the header (htmx) carrying the token.
const (
	FieldName  = "_csrf"
	HeaderName = "X-CSRF-Token"
)

// ErrBadToken is a state-changing request without a valid token.
var ErrBadToken = platform.NewKeyedError(platform.ErrForbidden, "error.csrf", "missing or invalid CSRF token; reload the page and try again")

const localsKey = "csrf_token"

// Config configures the protection.
type Config struct {
	// Key is the installation's secret key (the HMAC key is derived from it).
	Key []byte
	// Secure marks the cookie Secure (everywhere but `piazza dev`).
	Secure bool
	// Exempt are paths whose requests prove themselves otherwise (a
	// webhook verified by its signature, the JSON API's bearer tokens),
	// sent by programs, not browsers; one ending in "/" exempts every
	// path under it.
	Exempt []string
}

// Protector issues and checks tokens.
type Protector struct {
	key    []byte
	secure bool
	exempt []string
}

// New returns a Protector for cfg.
func New(cfg Config) *Protector {
	mac := hmac.New(sha256.New, cfg.Key)
	mac.Write([]byte("piazza csrf key"))
	return &Protector{key: mac.Sum(nil), secure: cfg.Secure, exempt: cfg.Exempt}
}

// Handler is the middleware: it makes sure the browser has the cookie, puts
// the token in c.Locals for templates (Token), and refuses POST, PUT, PATCH
// and DELETE requests whose token or origin does not match.
func (p *Protector) Handler() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if p.exempted(c.Path()) {
			return c.Next()
		}
		seed := c.Cookies(CookieName)
		if len(seed) != 43 {
			seed = newSeed()
			setCookie(c, seed, p.secure)
		}
		want := sign(p.key, seed)
		c.Locals(localsKey, want)
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
			return c.Next()
		}
		if !sameOrigin(c) {
			return ErrBadToken
		}
		got := c.Get(HeaderName)
		if got == "" {
			got = c.FormValue(FieldName)
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return ErrBadToken
		}
		return c.Next()
	}
}

// exempted says whether path is one of the exempt paths or under one.
func (p *Protector) exempted(path string) bool {
	return slices.ContainsFunc(p.exempt, func(e string) bool {
		return path == e || strings.HasSuffix(e, "/") && strings.HasPrefix(path, e)
	})
}

// Token is the request's CSRF token, for forms and htmx headers.
func Token(c *fiber.Ctx) string {
	s, _ := c.Locals(localsKey).(string)
	return s
}

// Rotate gives the browser a new cookie (call it at sign-in and sign-out, so
// that a token seen before cannot be used after) and returns the new token.
func (p *Protector) Rotate(c *fiber.Ctx) string {
	seed := newSeed()
	setCookie(c, seed, p.secure)
	t := sign(p.key, seed)
	c.Locals(localsKey, t)
	return t
}

func sign(key []byte, seed string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func newSeed() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func setCookie(c *fiber.Ctx, seed string, secure bool) {
	c.Cookie(&fiber.Cookie{
		Name: CookieName, Value: seed, Path: "/", HTTPOnly: true, Secure: secure,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(365 * 24 * time.Hour),
	})
}

// sameOrigin accepts a request without Origin (older browsers, curl with a
// token) or whose Origin's host is the request's Host.
func sameOrigin(c *fiber.Ctx) bool {
	o := c.Get(fiber.HeaderOrigin)
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == string(c.Request().Host())
}
