package discussion

import (
	"context"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/search"
)

// CommunityItems lists a community's topics for its page.
func (m *Module) CommunityItems(ctx context.Context, tx bun.IDB, id, uid int64, limit int) ([]community.Item, error) {
	v := viewerOf(ctx)
	v.UserID = uid
	ts, err := List(ctx, tx, v, id, limit)
	out := make([]community.Item, 0, len(ts))
	for _, t := range ts {
		out = append(out, community.Item{Type: ContentType, Title: t.Title, URL: "/discussions/" + strconv.FormatInt(t.ID, 10), State: t.State, At: t.When()})
	}
	return out, err
}

// Feed lists the published topics for uid, newest first, after cur
// (topics are never in evidence).
func (m *Module) Feed(ctx context.Context, tx bun.IDB, uid int64, cur feed.Cursor, limit int) ([]feed.Entry, error) {
	v := viewerOf(ctx)
	v.UserID = uid
	if cur.Set && cur.InEvidence {
		cur = feed.Cursor{} // every topic comes after the items in evidence
	}
	var ts []Topic
	q := selectFor(tx, v, &ts).Where("d.state = 'published'")
	if cur.Set {
		q = q.Where("(d.published_at < ?0 OR (d.published_at = ?0 AND (?1 OR (?2 AND d.id < ?3))))", cur.At, ContentType > cur.Kind, ContentType == cur.Kind, cur.ID)
	}
	if err := q.OrderExpr("d.published_at DESC, d.id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("discussion feed: %w", err)
	}
	out := make([]feed.Entry, 0, len(ts))
	for _, t := range ts {
		out = append(out, feed.Entry{Kind: ContentType, Label: "discussion.kind", ID: t.ID, Title: t.Title,
			URL: "/discussions/" + strconv.FormatInt(t.ID, 10), At: t.When()})
	}
	return out, nil
}

// Inbox lists the topics waiting for uid's validation.
func (m *Module) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	v := viewerOf(ctx)
	v.UserID = uid
	var ts []Topic
	if err := selectFor(tx, v, &ts).Where("d.state = 'to_validate' AND d.author_id IS DISTINCT FROM ?", uid).
		OrderExpr("d.updated_at").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("discussions to validate: %w", err)
	}
	out := make([]feed.Task, 0, len(ts))
	for _, t := range ts {
		base := "/discussions/" + strconv.FormatInt(t.ID, 10)
		out = append(out, feed.Task{Label: "discussion.task.validate", Title: t.Title, Detail: t.AuthorName, URL: base, At: t.UpdatedAt,
			Actions: feed.Decide("workflow.action.approve", base+"/do/approve", "workflow.action.reject", base+"/do/reject")})
	}
	return out, nil
}

// Search finds the topics the viewer may see matching q.
func (m *Module) Search(ctx context.Context, tx bun.IDB, q string, uid int64, limit int) ([]search.Hit, error) {
	v := viewerOf(ctx)
	v.UserID = uid
	var rows []search.Row
	const query = "websearch_to_tsquery(piazza_ts_config(d.language), ?)"
	sq := tx.NewSelect().TableExpr("discussions AS d").ColumnExpr("d.id, d.title, coalesce(d.published_at, d.created_at) AS at").
		ColumnExpr("ts_rank(d.search, "+query+") AS rank", q).
		ColumnExpr("ts_headline(piazza_ts_config(d.language), regexp_replace(d.body, '<[^>]*>', ' ', 'g'), "+query+", ?) AS snippet", q, search.HeadlineOptions).
		Where("d.search @@ "+query, q)
	if err := scope.Filter(sq, "d", v).OrderExpr("rank DESC, d.id DESC").Limit(int64(limit)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("search discussions: %w", err)
	}
	return search.Hits("discussion.kind", "/discussions/", rows), nil
}
