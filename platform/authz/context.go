package authz

import (
	"context"
	"log/slog"
	"slices"
	"strings"

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
	extra  []contextRoles
}

// contextRoles are roles held on the objects under a prefix only (a
// community's manager holds role:community_manager on "community/12/…").
type contextRoles struct {
	prefix string
	roles  []string
}

// WithRoles returns ctx in which the principal also holds roles on every
// object whose name starts with prefix: modules that keep roles of their own
// (a community's members) add them here, and Can combines them with the
// tenant's roles.
func WithRoles(ctx context.Context, prefix string, roles ...string) context.Context {
	s, ok := ctx.Value(ctxKey{}).(scope)
	if !ok || len(roles) == 0 || prefix == "" {
		return ctx
	}
	s.extra = append(slices.Clip(s.extra), contextRoles{prefix: prefix, roles: roles})
	return context.WithValue(ctx, ctxKey{}, s)
}

// PrincipalFrom is who the request of ctx is (the zero Principal for a guest).
func PrincipalFrom(ctx context.Context) Principal {
	s, _ := ctx.Value(ctxKey{}).(scope)
	return s.p
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
	for _, x := range s.extra {
		if allowed || err != nil {
			break
		}
		if strings.HasPrefix(obj, x.prefix) {
			for _, r := range x.roles {
				if allowed, err = s.a.Enforce(r, s.domain, obj, act); allowed || err != nil {
					break
				}
			}
		}
	}
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
