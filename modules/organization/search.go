package organization

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/search"
)

// Search finds the organisations the member may see matching q (none for guests).
func (m *Module) Search(ctx context.Context, tx bun.IDB, q string, uid int64, limit int) ([]search.Hit, error) {
	if uid == 0 {
		return nil, nil
	}
	vw, err := viewer(ctx, tx)
	if err != nil {
		return nil, err
	}
	var rows []search.Row
	const query = "websearch_to_tsquery('simple', ?)"
	sq := tx.NewSelect().TableExpr("organizations AS o").ColumnExpr("o.id, o.name AS title, o.created_at AS at").
		ColumnExpr("ts_rank(o.search, "+query+") AS rank", q).
		ColumnExpr("ts_headline('simple', o.description || ' ' || piazza_join(o.competencies), "+query+", ?) AS snippet", q, search.HeadlineOptions).
		Join("LEFT JOIN organization_members AS mm ON mm.organization_id = o.id AND mm.user_id = ?", vw.UserID).
		Where("o.search @@ "+query, q)
	if !vw.Facilitator {
		sq = sq.Where("(o.state = 'validated' OR o.created_by = ? OR mm.state = 'active')", vw.UserID)
	}
	if err := sq.OrderExpr("rank DESC, o.id").Limit(int64(limit)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("search organisations: %w", err)
	}
	return search.Hits("organization.kind_name", "/organizations/", rows), nil
}
