package main

import (
	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// recordTenantAction writes a tenant admin's action to the audit trail.
func recordTenantAction(db bun.IDB) func(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error {
	return func(c *fiber.Ctx, t *tenant.Tenant, action string, detail map[string]any) error {
		actor := "guest"
		if u := auth.UserFromContext(c.UserContext()); u != nil {
			actor = u.Subject() + " " + u.Email
		}
		id := t.ID
		return audit.Record(c.UserContext(), db, audit.Entry{Actor: actor, TenantID: &id, TenantSlug: t.Slug,
			Action: action, Detail: detail, ClientAddr: web.ClientAddr(c)})
	}
}
