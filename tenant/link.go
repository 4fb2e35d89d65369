package tenant

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/site"
)

// Site is what platform code knows of t: its id, name, registered hosts
// (the default one first) and database scope; nil for no tenant.
func (t *Tenant) Site() *site.Site {
	if t == nil {
		return nil
	}
	return &site.Site{ID: t.ID, Name: t.Name, Hosts: t.Hosts, Scope: t.Scope(), Limits: t.Plan.Limits()}
}

// URL is the absolute address of path on t's site, for every link Piazza
// writes (mails, redirect URIs, printed URLs). Its host is host when that is
// one of t's registered names, t's default host otherwise: never a word of a
// request header such as X-Forwarded-Host.
func (t *Tenant) URL(scheme, host, path string) string {
	return t.Site().URL(scheme, host, path)
}

// SiteURL is URL for the request's tenant, on the host the request was
// resolved by (a registered one, since resolution found the tenant).
func SiteURL(c *fiber.Ctx, scheme, path string) string {
	return site.RequestURL(c, scheme, path)
}
