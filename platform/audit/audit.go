// Package audit writes and reads the trail of administrative actions (who,
// what, when, on which tenant), kept in the control schema.
package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Entry is one administrative action.
type Entry struct {
	bun.BaseModel `bun:"table:piazza.audit_log,alias:a"`

	ID         int64          `bun:"id,pk,autoincrement"`
	At         time.Time      `bun:"at,nullzero,default:now()"`
	Actor      string         `bun:"actor"`
	TenantID   *int64         `bun:"tenant_id"`
	TenantSlug string         `bun:"tenant_slug"`
	Action     string         `bun:"action"`
	Detail     map[string]any `bun:"detail,type:jsonb"`
	ClientAddr string         `bun:"client_addr"`
}

// Record adds e to the trail, in the caller's transaction when db is one.
func Record(ctx context.Context, db bun.IDB, e Entry) error {
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	if _, err := db.NewInsert().Model(&e).Exec(ctx); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// Recent returns the latest entries, of one tenant when tenantID is not 0.
func Recent(ctx context.Context, db bun.IDB, tenantID int64, limit int) ([]Entry, error) {
	var es []Entry
	q := db.NewSelect().Model(&es).Order("at DESC", "id DESC").Limit(int64(limit))
	if tenantID != 0 {
		q = q.Where("tenant_id = ?", tenantID)
	}
	return es, q.Scan(ctx)
}
