package organization

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
)

// Referents returns the active referents of the organisations ids (their
// user ids, by organisation), for a module that tells an organisation of
// something.
func Referents(ctx context.Context, tx bun.IDB, ids []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		Org  int64 `bun:"organization_id"`
		User int64 `bun:"user_id"`
	}
	p := &db.Params{} // for the matching panel's organisations, on each view: prepared
	err := tx.NewSelect().Table("organization_members").Column("organization_id", "user_id").
		Where("organization_id = ANY (?) AND role = ? AND state = ?", p.Arg(ids), Referent, Active).
		OrderExpr("organization_id, user_id").Conn(db.Bound(tx, p)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("organisation referents: %w", err)
	}
	for _, r := range rows {
		out[r.Org] = append(out[r.Org], r.User)
	}
	return out, nil
}
