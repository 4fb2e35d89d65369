package authz

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
)

// defaultPermissions are each tenant's role permissions, seeded at
// provisioning: role, object (keyMatch pattern), action ("*" for any).
var defaultPermissions = [][3]string{
	{RoleAdmin, "admin/*", "*"},
	{RoleAdmin, "content/*", "*"},
	{RoleAdmin, "members/*", "*"},
	{RoleValidator, "content/*", "validate"},
	{RoleValidator, "content/*", "publish"},
	{RoleFacilitator, "profile/*", "validate"},
	{RoleFacilitator, "organization/*", "validate"},
	{RoleMember, "content/*", "read"},
	{RoleMember, "content/*", "create"},
	{RoleGuest, "content/public", "read"},
}

// SeedTenant writes a new tenant's role permissions, inside the
// provisioning transaction.
func SeedTenant(ctx context.Context, db bun.IDB, domain string) error {
	rows := make([]*rule, len(defaultPermissions))
	for i, p := range defaultPermissions {
		rows[i] = newRule("p", []string{p[0], domain, p[1], p[2]})
	}
	if _, err := db.NewInsert().Model(&rows).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("seed permissions: %w", err)
	}
	return nil
}

// PurgeTenant removes every rule of a tenant, inside the purge transaction.
func PurgeTenant(ctx context.Context, db bun.IDB, domain string) error {
	if domain == AllDomains || domain == "" {
		return fmt.Errorf("authz: refusing to purge domain %q", domain)
	}
	_, err := db.NewDelete().Model((*rule)(nil)).Where("domain = ?", domain).Exec(ctx)
	return err
}

// Assign gives sub the role in domain (AllDomains for operators); it takes
// effect on every replica at once.
func Assign(ctx context.Context, db bun.IDB, sub, role, domain string) error {
	r := newRule("g", []string{sub, role, domain})
	if _, err := db.NewInsert().Model(r).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("assign role: %w", err)
	}
	return nil
}

// Unassign takes the role from sub in domain.
func Unassign(ctx context.Context, db bun.IDB, sub, role, domain string) error {
	_, err := db.NewDelete().Model((*rule)(nil)).
		Where("ptype = 'g' AND v0 = ? AND v1 = ? AND v2 = ?", sub, role, domain).Exec(ctx)
	if err != nil {
		return fmt.Errorf("unassign role: %w", err)
	}
	return nil
}

// Roles lists the roles stored for sub in domain (not the implied ones).
func Roles(ctx context.Context, db bun.IDB, sub, domain string) ([]string, error) {
	var roles []string
	err := db.NewSelect().Model((*rule)(nil)).Column("v1").
		Where("ptype = 'g' AND v0 = ? AND v2 IN (?, '*')", sub, domain).Order("v1").Scan(ctx, &roles)
	return roles, err
}

// ErrForbidden is an action the principal may not take.
var ErrForbidden = platform.NewError(platform.ErrForbidden, "you are not allowed to do this")

// RolesOf lists the stored roles of every subject in domain (not the
// implied ones, not those of every tenant), in one query.
func RolesOf(ctx context.Context, db bun.IDB, domain string) (map[string][]string, error) {
	var rows []rule
	err := db.NewSelect().Model(&rows).Where("ptype = 'g' AND v2 = ?", domain).Order("v1").Scan(ctx)
	out := map[string][]string{}
	for _, r := range rows {
		out[r.V0] = append(out[r.V0], r.V1)
	}
	return out, err
}
