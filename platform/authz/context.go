package authz

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// Principal is who is asking.
type Principal struct {
	// Subject is "user:<id>" or "operator:<id>"; empty for an anonymous guest.
	Subject string
	// Member is true for a user signed in to the tenant being asked about.
	Member bool
}

type ctxKey struct{}

type scope struct {
	a      *Authorizer
	p      Principal
	domain string
}

// NewContext returns ctx carrying the authorizer, who is asking and the
// tenant (domain) the request is about; the middleware calls it once.
func NewContext(ctx context.Context, a *Authorizer, p Principal, domain string) context.Context {
	return context.WithValue(ctx, ctxKey{}, scope{a: a, p: p, domain: domain})
}

// Can says whether the request's principal may do act on obj in the
// request's tenant. Without an authorizer in ctx, or on any error, it says no.
func Can(ctx context.Context, obj, act string) bool {
	s, ok := ctx.Value(ctxKey{}).(scope)
	if !ok || s.a == nil {
		return false
	}
	allowed, err := s.a.Decide(s.p, s.domain, obj, act)
	if err != nil {
		slog.ErrorContext(ctx, "authorisation check failed; refusing", "obj", obj, "act", act, "err", err)
		return false
	}
	return allowed
}

// Require is a route middleware that lets the request through only when its
// principal may do act on obj; everyone else gets ErrForbidden.
func Require(obj, act string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !Can(c.UserContext(), obj, act) {
			return ErrForbidden
		}
		return c.Next()
	}
}
