// Package api is the open JSON API of a tenant's site, under /api/v1 on
// the tenant's hosts: what a visitor who is not signed in may read —
// public proposals, partnership profiles, news, communities and
// organisations — as JSON (lists also as CSV), in keyset pages, described
// by an OpenAPI 3 document; and, with a member's personal access token
// (created, listed and revoked on /profile/tokens, stored as a SHA-256
// digest), the member's own profile and expressions of interest, and a new
// expression of interest in a proposal through the proposals' own service.
//
// Every read of public data is made as a guest: the same modules' queries
// and scope rules that decide what a visitor's pages show, never a rule of
// the API's own. The session cookie counts for nothing here: a request is
// a guest's or its token's (so a page cannot make a signed-in browser
// write through the API, and no CSRF token is asked). Requests are limited
// per address and per token; every answer, errors included, is JSON.
package api

import (
	"context"
	"embed"
	"os"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/news"
	"github.com/piazza-pa/piazza/modules/partnership"
	"github.com/piazza-pa/piazza/modules/profile"
	"github.com/piazza-pa/piazza/modules/proposal"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// Path is the API's root on a tenant's host.
const Path = "/api/v1"

//go:embed templates/*.html
var templates embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// Deps are what the module needs: the pages' (the token page), the
// authoriser (a token's member is asked about as a signed-in member is),
// the scheme of the site's links, the audit trail, and the limits (zero:
// read from the environment, see LimitsFrom).
type Deps struct {
	screen.Deps
	Authz  *authz.Authorizer
	Scheme string
	Record func(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error
	Limits Limits
}

// Module is the API and the page of personal access tokens.
type Module struct {
	screen.Kit
	authz  *authz.Authorizer
	scheme string
	record func(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error
	limits Limits
	// The modules whose data the API serves, found on the list (Collect).
	proposals    *proposal.Module
	partnerships *partnership.Module
	news         *news.Module
	profiles     *profile.Module
}

// New parses the token page and reads the limits.
func New(d Deps) (*Module, error) {
	if d.Limits == (Limits{}) {
		var err error
		if d.Limits, err = LimitsFrom(os.Getenv); err != nil {
			return nil, err
		}
	}
	k, err := screen.New(d.Deps, templates, Messages, nil)
	if err != nil {
		return nil, err
	}
	return &Module{Kit: k, authz: d.Authz, scheme: d.Scheme, record: d.Record, limits: d.Limits}, nil
}

// Collect finds the modules whose data the API serves.
func (m *Module) Collect(mods []web.Module) {
	for _, mod := range mods {
		switch mod := mod.(type) {
		case *proposal.Module:
			m.proposals = mod
		case *partnership.Module:
			m.partnerships = mod
		case *news.Module:
			m.news = mod
		case *profile.Module:
			m.profiles = mod
		}
	}
}

// Routes registers the token page (members) and the API.
func (m *Module) Routes(r fiber.Router) {
	t := r.Group("/profile/tokens", auth.RequireMember)
	t.Get("/", m.tokenList)
	t.Post("/", m.tokenCreate)
	t.Post("/:id<int>/revoke", m.tokenRevoke)

	g := r.Group(Path, m.start)
	for _, h := range m.limiters() {
		g.Use(h)
	}
	g.Use(m.authenticate)
	g.Get("/openapi.json", m.openAPI)
	g.Get("/proposals", m.proposalList)
	g.Get("/proposals/:id<int>", m.proposalShow)
	g.Post("/proposals/:id<int>/interests", m.interestCreate)
	g.Get("/partnerships", m.partnershipList)
	g.Get("/partnerships/:id<int>", m.partnershipShow)
	g.Get("/news", m.newsList)
	g.Get("/news/:id<int>", m.newsShow)
	g.Get("/communities", m.communityList)
	g.Get("/organizations", m.organizationList)
	g.Get("/me", m.me)
	g.Get("/me/interests", m.myInterests)
	g.Use(m.unmatched)
}

// MenuEntries offers the token page to a member's menu.
func (m *Module) MenuEntries(c *fiber.Ctx) []web.MenuLink {
	ctx := c.UserContext()
	if auth.UserFromContext(ctx) == nil || tenant.FromContext(ctx) == nil {
		return nil
	}
	return []web.MenuLink{{Label: "api.menu.tokens", URL: "/profile/tokens", Rank: 12}}
}

// offers says whether the tenant of ctx offers module key (its pages
// answer 404 otherwise, and so does the API).
func offers(ctx context.Context, key string) bool {
	return tenant.FromContext(ctx).Offers(key)
}
