package community

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/search"
)

// Search finds the communities the member may see matching q (none for guests).
func (m *Module) Search(ctx context.Context, tx bun.IDB, q string, uid int64, limit int) ([]search.Hit, error) {
	if uid == 0 {
		return nil, nil
	}
	v := Viewer{UserID: uid, Validator: authz.Can(ctx, "community/new", "validate")}
	var rows []search.Row
	const query = "websearch_to_tsquery('simple', ?)"
	err := tx.NewSelect().TableExpr("communities AS c").ColumnExpr("c.id, c.name AS title, c.created_at AS at").
		ColumnExpr("ts_rank(c.search, "+query+") AS rank", q).
		ColumnExpr("ts_headline('simple', c.description, "+query+", ?) AS snippet", q, search.HeadlineOptions).
		Where("c.search @@ "+query, q).Where(visibleSQL, v.UserID, v.Validator).
		OrderExpr("rank DESC, c.id").Limit(int64(limit)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("search communities: %w", err)
	}
	return search.Hits("community.kind_name", "/communities/", rows), nil
}
