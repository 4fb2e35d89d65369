// Package site is what platform code knows of the tenant whose site serves
// a request: its id, name, registered host names and database scope, put in
// the request's context by the tenant middleware (tenant.NewContext), and
// the per-replica cache of what its pages compute. The control plane builds
// the value; platform code reads it without depending on the control plane.
package site

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
)

// Site is one tenant's site, as platform code sees it.
type Site struct {
	// ID is the tenant's id.
	ID int64
	// Name is the site's name, shown on its pages.
	Name string
	// Hosts are the site's registered host names, the default one first.
	Hosts []string
	// Scope is where the tenant's queries run.
	Scope db.Scope
	// Limits are the quotas of the tenant's plan (nil: none, as for the
	// command line and the demo's seeding).
	Limits *Limits
}

// Limits are the quotas of a tenant's plan, as platform code enforces them.
type Limits struct {
	// Plan is the plan's slug.
	Plan string
	// Members is the most accounts that are active or invited.
	Members int64
	// StorageBytes is the most bytes of attached files.
	StorageBytes int64
	// Hosts is the most host names besides the default one; IdPs the most
	// identity providers.
	Hosts, IdPs int
	// Modules are the keys of the modules the tenant may switch on (nil:
	// every module).
	Modules []string
}

// AllowsModule says whether the plan lets the tenant switch module key on.
func (l *Limits) AllowsModule(key string) bool {
	return l == nil || l.Modules == nil || slices.Contains(l.Modules, key)
}

// Domain is the site's authorisation domain: the tenant's id as text.
func (s *Site) Domain() string { return strconv.FormatInt(s.ID, 10) }

// URL is the absolute address of path on the site, for every link Piazza
// writes (mails, redirect URIs, printed URLs). Its host is host when that is
// one of the site's registered names, the default host otherwise: never a
// word of a request header such as X-Forwarded-Host.
func (s *Site) URL(scheme, host, path string) string {
	return scheme + "://" + s.host(host) + path
}

func (s *Site) host(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, h := range s.Hosts {
		if h == host {
			return h
		}
	}
	if len(s.Hosts) > 0 {
		return s.Hosts[0] // the default host comes first
	}
	return host
}

type ctxKey struct{}

// NewContext returns ctx carrying s.
func NewContext(ctx context.Context, s *Site) context.Context {
	return context.WithValue(ctx, ctxKey{}, s)
}

// FromContext returns the request's site, or nil outside a tenant's request.
func FromContext(ctx context.Context) *Site {
	s, _ := ctx.Value(ctxKey{}).(*Site)
	return s
}

// MemoKey is the key of the site of ctx in a replica's memos of tenant
// data ("" without a site: nothing is kept): its role, unique in the
// cluster, where its schema's name is unique in its database only (test
// worlds share them).
func MemoKey(ctx context.Context) string {
	if s := FromContext(ctx); s != nil {
		return s.Scope.Role
	}
	return ""
}

// Tx runs fn in a transaction scoped to the site of ctx (see db.InTenant).
// It fails when ctx carries no site.
func Tx(ctx context.Context, idb bun.IDB, fn func(ctx context.Context, tx bun.Tx) error) error {
	var scope db.Scope
	if s := FromContext(ctx); s != nil {
		scope = s.Scope
	}
	return db.InTenant(ctx, idb, scope, fn)
}

// RequestURL is URL for the request's site, on the host the request was
// resolved by (a registered one, since resolution found the site).
func RequestURL(c *fiber.Ctx, scheme, path string) string {
	return FromContext(c.UserContext()).URL(scheme, string(c.Request().Host()), path)
}
