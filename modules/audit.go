package modules

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// record writes a tenant admin's action to the audit trail.
func (b *builder) record(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error {
	actor := "guest"
	if u := auth.UserFromContext(c.UserContext()); u != nil {
		actor = u.Subject() + " " + u.Email
	}
	id := t.ID
	return audit.Record(c.UserContext(), b.DB, audit.Entry{Actor: actor, TenantID: &id, TenantSlug: t.Slug,
		Action: action, Detail: detail, ClientAddr: web.ClientAddr(c)})
}
