package tenant

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// URL is the absolute address of path on t's site, for every link Piazza
// writes (mails, redirect URIs, printed URLs). Its host is host when that is
// one of t's registered names, t's default host otherwise: never a word of a
// request header such as X-Forwarded-Host.
func (t *Tenant) URL(scheme, host, path string) string {
	return scheme + "://" + t.siteHost(host) + path
}

func (t *Tenant) siteHost(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, h := range t.Hosts {
		if h == host {
			return h
		}
	}
	if len(t.Hosts) > 0 {
		return t.Hosts[0] // the default host comes first
	}
	return host
}

// SiteURL is URL for the request's tenant, on the host the request was
// resolved by (a registered one, since resolution found the tenant).
func SiteURL(c *fiber.Ctx, scheme, path string) string {
	return FromContext(c.UserContext()).URL(scheme, string(c.Request().Host()), path)
}
