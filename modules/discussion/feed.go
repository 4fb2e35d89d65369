package discussion

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/feed"
)

// Feed lists the published topics for uid, newest first, after cur
// (topics are never in evidence).
func (m *Module) Feed(ctx context.Context, tx bun.IDB, uid int64, cur feed.Cursor, limit int) ([]feed.Entry, error) {
	v := m.ViewerAs(ctx, uid)
	if cur.Set && cur.InEvidence {
		cur = feed.Cursor{} // every topic comes after the items in evidence
	}
	v.P = &db.Params{}            // prepared: the same text for every member (see db.Params)
	ts := make([]Topic, 0, limit) // see news.Module.Feed
	// Only what an entry shows: no body, author or count of replies (see
	// news.Module.Feed).
	q := visible(tx.NewSelect().Model(&ts).ColumnExpr("d.id, d.title, d.published_at, d.created_at"), v).
		Where("d.state = 'published'")
	if cur.Set {
		q = q.Where("(d.published_at < ?0 OR (d.published_at = ?0 AND (?1 OR (?2 AND d.id < ?3))))",
			v.P.Arg(cur.At), v.P.Arg(ContentType > cur.Kind), v.P.Arg(ContentType == cur.Kind), v.P.Arg(cur.ID))
	}
	if err := q.OrderExpr("d.published_at DESC, d.id DESC").Limit(int64(limit)).Conn(db.Bound(tx, v.P)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("discussion feed: %w", err)
	}
	out := make([]feed.Entry, 0, len(ts))
	for _, t := range ts {
		out = append(out, feed.Entry{Kind: ContentType, Label: "discussion.kind", ID: t.ID, Title: t.Title, URL: m.URL(t.ID), At: t.When()})
	}
	return out, nil
}
