package profile

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/search"
)

// Search finds the profiles the member may see matching q, by name, bio
// and competencies (none for guests).
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
	const doc = "(setweight(to_tsvector('simple', u.display_name), 'A') || coalesce(p.search, ''::tsvector))"
	sq := tx.NewSelect().TableExpr("users AS u").Join("LEFT JOIN profiles AS p ON p.user_id = u.id").
		ColumnExpr("u.id, u.created_at AS at").
		ColumnExpr(auth.NameSQL("u")+" AS title").
		ColumnExpr("ts_rank("+doc+", "+query+") AS rank", q).
		ColumnExpr("ts_headline('simple', coalesce(p.bio, '') || ' ' || piazza_join(p.competencies), "+query+", ?) AS snippet", q, search.HeadlineOptions).
		Where("u.status = 'active'").Where(doc+" @@ "+query, q)
	if vw.Validation && !vw.Facilitator {
		sq = sq.Where("(p.state = 'validated' OR u.id = ?)", vw.UserID)
	}
	if err := sq.OrderExpr("rank DESC, u.id").Limit(int64(limit)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("search people: %w", err)
	}
	return search.Hits("profile.kind_name", "/people/", rows), nil
}
