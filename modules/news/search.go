package news

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/search"
)

type hitRow struct {
	ID          int64      `bun:"id"`
	Title       string     `bun:"title"`
	PublishedAt *time.Time `bun:"published_at"`
	CreatedAt   time.Time  `bun:"created_at"`
	Rank        float64    `bun:"rank"`
	Snippet     string     `bun:"snippet"`
}

// Search finds the news the viewer may see matching q, each in the text
// search configuration of its own language.
func (m *Module) Search(ctx context.Context, tx bun.IDB, q string, uid int64, limit int) ([]search.Hit, error) {
	v := viewerOf(ctx)
	v.UserID = uid
	var rows []hitRow
	const query = "websearch_to_tsquery(piazza_ts_config(n.language), ?)"
	sq := tx.NewSelect().TableExpr("news AS n").ColumnExpr("n.id, n.title, n.published_at, n.created_at").
		ColumnExpr("ts_rank(n.search, "+query+") AS rank", q).
		ColumnExpr("ts_headline(piazza_ts_config(n.language), n.summary || ' ' || regexp_replace(n.body, '<[^>]*>', ' ', 'g'), "+query+", ?) AS snippet", q, search.HeadlineOptions).
		Where("n.search @@ "+query, q)
	err := scope.Filter(sq, "n", v).Where(window, v.UserID, v.Validator).OrderExpr("rank DESC, n.id DESC").Limit(int64(limit)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("search news: %w", err)
	}
	hits := make([]search.Hit, 0, len(rows))
	for _, r := range rows {
		at := r.CreatedAt
		if r.PublishedAt != nil {
			at = *r.PublishedAt
		}
		hits = append(hits, search.Hit{Kind: "news.kind", Title: r.Title, URL: "/news/" + strconv.FormatInt(r.ID, 10),
			Snippet: search.Snippet(r.Snippet), Rank: r.Rank, At: at})
	}
	return hits, nil
}
