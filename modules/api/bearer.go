package api

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/site"
)

// Locals of an API request.
const (
	localToken = "api_token"
	localWrite = "api_write"
)

// tokenOf is the token the request carries ("" for none).
func tokenOf(c *fiber.Ctx) string {
	s, _ := c.Locals(localToken).(string)
	return s
}

// start reads the request's Authorization header: none, or "Bearer
// <token>"; anything else stands as a token no site has, refused (401)
// once the limits have counted it. Every answer of the API is kept by no
// cache and varies with the token and the format asked for.
func (m *Module) start(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Vary(fiber.HeaderAuthorization, fiber.HeaderAccept, fiber.HeaderAcceptLanguage)
	h := strings.TrimSpace(c.Get(fiber.HeaderAuthorization))
	if h == "" {
		return c.Next()
	}
	scheme, tok, ok := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		tok = "malformed " + h
	}
	c.Locals(localToken, strings.Clone(tok))
	return c.Next()
}

// authenticate makes the request a guest's, or its token's member's: the
// session cookie's member, if any, is not carried over. A token that is
// not one of this tenant's live tokens is refused (401).
func (m *Module) authenticate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	tok := tokenOf(c)
	if tok == "" {
		c.SetUserContext(m.as(ctx, nil))
		return c.Next()
	}
	if !strings.HasPrefix(tok, Prefix) || len(tok) > maxToken {
		return m.fail(c, errUnauthorized) // no token of any site: no transaction for it
	}
	var b bearer
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		b, err = lookup(ctx, tx, tok, time.Now())
		return err
	})
	if errors.Is(err, errBadToken) {
		return m.fail(c, errUnauthorized)
	}
	if err != nil {
		return m.answer(c, err)
	}
	c.Locals(localWrite, b.Token.Write)
	c.SetUserContext(m.as(ctx, b.User))
	return c.Next()
}

// as is ctx with u (nil: a guest) as the request's member, asked about
// as a signed-in member is.
func (m *Module) as(ctx context.Context, u *auth.User) context.Context {
	p := authz.Principal{}
	if u != nil {
		p = authz.Principal{Subject: u.Subject(), Member: true}
	}
	ctx = auth.NewContext(ctx, u)
	return authz.NewContext(ctx, m.authz, p, site.FromContext(ctx).Domain())
}

// guest is ctx as a guest sees the site: what every public resource
// shows, token or not.
func (m *Module) guest(ctx context.Context) context.Context { return m.as(ctx, nil) }

// member is the request's token's member (nil without a token).
func member(c *fiber.Ctx) *auth.User { return auth.UserFromContext(c.UserContext()) }

// writes says whether the request's token may write.
func writes(c *fiber.Ctx) bool {
	w, _ := c.Locals(localWrite).(bool)
	return w
}

// routes are the API's paths, for telling a method the path does not
// take (405) from a path that is none (404).
var routes = []struct {
	re    *regexp.Regexp
	allow string
}{
	{regexp.MustCompile(`^/api/v1/(openapi\.json|proposals|partnerships|news|communities|organizations|me|me/interests)/?$`), "GET, HEAD"},
	{regexp.MustCompile(`^/api/v1/(proposals|partnerships|news)/[0-9]+/?$`), "GET, HEAD"},
	{regexp.MustCompile(`^/api/v1/proposals/[0-9]+/interests/?$`), "POST"},
}

// unmatched answers what no route took: 405 with Allow for a path of the
// API asked with another method, else 404 (an id out of range too).
func (m *Module) unmatched(c *fiber.Ctx) error {
	p := strings.ToLower(c.Path())
	for _, r := range routes {
		if r.re.MatchString(p) && !strings.Contains(r.allow, c.Method()) {
			c.Set(fiber.HeaderAllow, r.allow)
			return m.fail(c, &Problem{Status: fiber.StatusMethodNotAllowed, Code: "method_not_allowed"})
		}
	}
	return m.fail(c, errNotFound)
}
