package tenant

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// CreateAt provisions a tenant as Create does, but with its schema migrated
// only up to version first; load runs then, in the same transaction (an
// archive's data, written at that version), and after it the remaining
// migrations, the OnProvision hooks and p.Setup. The transaction runs on
// conn, so that load may use the driver's COPY on the same connection. A
// failure anywhere leaves nothing behind in the database.
func (r *Registry) CreateAt(ctx context.Context, conn bun.Conn, p CreateParams, version int, load Hook) (*Tenant, error) {
	if version < 1 || version > r.LatestVersion() {
		return nil, fmt.Errorf("tenant schema version %d: this piazza knows versions 1 to %d", version, r.LatestVersion())
	}
	if err := r.Validate(&p); err != nil {
		return nil, err
	}
	t := &Tenant{
		Slug: p.Slug, Name: p.Name, Status: StatusActive, AdminEmail: p.AdminEmail,
		SchemaName: schemaName(p.Slug), RoleName: r.roleName(p.Slug), Hosts: p.Hosts,
	}
	err := conn.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		plan, err := planBySlug(ctx, tx, p.Plan)
		if err != nil {
			return err
		}
		t.PlanID, t.Plan = plan.ID, plan
		if err := r.insert(ctx, tx, t); err != nil {
			return err
		}
		if err := createSchema(ctx, tx, t.Scope()); err != nil {
			return fmt.Errorf("provision %s: %w", t.Slug, err)
		}
		// The same registry, knowing only the migrations up to version.
		upTo := *r
		upTo.migrations = r.migrations[:version]
		if err := upTo.migrateIn(ctx, tx, t); err != nil {
			return fmt.Errorf("provision %s at version %d: %w", t.Slug, version, err)
		}
		if err := load(ctx, tx, t); err != nil {
			return err
		}
		if err := r.migrateIn(ctx, tx, t); err != nil {
			return fmt.Errorf("provision %s: %w", t.Slug, err)
		}
		if err := r.finish(ctx, tx, t, p); err != nil {
			return err
		}
		return r.tenantJoinsGroup(ctx, tx, t)
	})
	if err != nil {
		return nil, err
	}
	r.changed(t.ID)
	return t, r.planChanged(ctx, t)
}
