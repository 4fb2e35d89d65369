package comment

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
)

// Waiting is an item with comments waiting for moderation, since its
// oldest one.
type Waiting struct {
	ContentType string    `bun:"content_type"`
	ItemID      int64     `bun:"item_id"`
	Since       time.Time `bun:"since"`
}

// WaitingItems lists the items with comments waiting for moderation, the
// longest waiting first, at most limit; comments_waiting_idx holds only
// the waiting comments, so this reads no other.
func WaitingItems(ctx context.Context, tx bun.IDB, limit int) ([]Waiting, error) {
	var ws []Waiting
	err := tx.NewRaw(`SELECT content_type, item_id, min(created_at) AS since FROM comments WHERE state = 'to_validate'
		GROUP BY content_type, item_id ORDER BY since, content_type, item_id LIMIT ?`, limit).Scan(ctx, &ws)
	if err != nil {
		return nil, fmt.Errorf("items with comments waiting: %w", err)
	}
	return ws, nil
}

// WaitingOn lists the comments waiting for moderation on items (ids by
// content type), oldest first, at most limit.
func WaitingOn(ctx context.Context, tx bun.IDB, items map[string][]int64, limit int) ([]Comment, error) {
	if len(items) == 0 {
		return nil, nil
	}
	types := make([]string, 0, len(items))
	for typ := range items {
		types = append(types, typ)
	}
	slices.Sort(types)
	var cs []Comment
	err := tx.NewSelect().Model(&cs).ColumnExpr("cm.*").
		ColumnExpr(auth.NameSQL("u")+" AS author_name").
		Join("LEFT JOIN users AS u ON u.id = cm.author_id").
		Where("cm.state = 'to_validate'").
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			for _, typ := range types {
				q = q.WhereOr("cm.content_type = ? AND cm.item_id IN (?)", typ, bun.In(items[typ]))
			}
			return q
		}).OrderExpr("cm.created_at, cm.id").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("comments waiting: %w", err)
	}
	return cs, nil
}
