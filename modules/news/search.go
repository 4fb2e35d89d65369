package news

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/search"
)

// Search finds the news the viewer may see matching q, each in the text
// search configuration of its own language.
func (m *Module) Search(ctx context.Context, tx bun.IDB, q string, uid int64, limit int) ([]search.Hit, error) {
	v := viewerOf(ctx)
	v.UserID = uid
	var rows []search.Row
	const query = "websearch_to_tsquery(piazza_ts_config(n.language), ?)"
	sq := tx.NewSelect().TableExpr("news AS n").ColumnExpr("n.id, n.title, coalesce(n.published_at, n.created_at) AS at").
		ColumnExpr("ts_rank(n.search, "+query+") AS rank", q).
		ColumnExpr("ts_headline(piazza_ts_config(n.language), n.summary || ' ' || regexp_replace(n.body, '<[^>]*>', ' ', 'g'), "+query+", ?) AS snippet", q, search.HeadlineOptions).
		Where("n.search @@ "+query, q)
	err := scope.Filter(sq, "n", v).Where(window, v.UserID, v.Validator).OrderExpr("rank DESC, n.id DESC").Limit(int64(limit)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("search news: %w", err)
	}
	return search.Hits("news.kind", "/news/", rows), nil
}
