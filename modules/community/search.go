package community

import (
	"context"
	"fmt"
	"strconv"
	"time"

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
	var rows []struct {
		ID        int64     `bun:"id"`
		Name      string    `bun:"name"`
		CreatedAt time.Time `bun:"created_at"`
		Rank      float64   `bun:"rank"`
		Snippet   string    `bun:"snippet"`
	}
	const query = "websearch_to_tsquery('simple', ?)"
	err := tx.NewSelect().TableExpr("communities AS c").ColumnExpr("c.id, c.name, c.created_at").
		ColumnExpr("ts_rank(c.search, "+query+") AS rank", q).
		ColumnExpr("ts_headline('simple', c.description, "+query+", ?) AS snippet", q, search.HeadlineOptions).
		Where("c.search @@ "+query, q).Where(visibleSQL, v.UserID, v.Validator).
		OrderExpr("rank DESC, c.id").Limit(int64(limit)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("search communities: %w", err)
	}
	hits := make([]search.Hit, 0, len(rows))
	for _, r := range rows {
		hits = append(hits, search.Hit{Kind: "community.kind_name", Title: r.Name, URL: "/communities/" + strconv.FormatInt(r.ID, 10),
			Snippet: search.Snippet(r.Snippet), Rank: r.Rank, At: r.CreatedAt})
	}
	return hits, nil
}
