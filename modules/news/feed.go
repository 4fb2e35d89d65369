package news

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/feed"
)

// feedAt is the date an item shows under in the feed.
const feedAt = "coalesce(n.publish_from, n.published_at)"

// Feed lists the published news for uid (for the dashboard): what the
// scope gives them, in evidence first, newest first, after cur.
func (m *Module) Feed(ctx context.Context, tx bun.IDB, uid int64, cur feed.Cursor, limit int) ([]feed.Entry, error) {
	v := m.ViewerAs(ctx, uid)
	v.P = &db.Params{}           // prepared: the same text for every member (see db.Params)
	ns := make([]News, 0, limit) // bun scans into the capacity given: no slice of models grown row by row
	// Only what an entry shows: no body, no author (a feed statement is
	// planned again whenever its connection served another tenant, and
	// each column and join adds to that).
	q := visible(tx.NewSelect().Model(&ns).
		ColumnExpr("n.id, n.title, n.summary, n.category, n.in_evidence, n.publish_from, n.published_at, n.created_at, n.image_id").
		ColumnExpr("img.name AS image_name").
		Join("LEFT JOIN attachments AS img ON img.id = n.image_id"), v).
		Where("n.state = 'published'")
	if cur.Set {
		ev := int64(0)
		if cur.InEvidence {
			ev = 1
		}
		q = q.Where("(n.in_evidence::int < ?0 OR (n.in_evidence::int = ?0 AND ("+feedAt+" < ?1 OR ("+feedAt+" = ?1 AND (?2 OR (?3 AND n.id < ?4))))))",
			v.P.Arg(ev), v.P.Arg(cur.At), v.P.Arg(ContentType > cur.Kind), v.P.Arg(ContentType == cur.Kind), v.P.Arg(cur.ID))
	}
	err := q.OrderExpr("n.in_evidence DESC, " + feedAt + " DESC, n.id DESC").Limit(int64(limit)).Conn(db.Bound(tx, v.P)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("news feed: %w", err)
	}
	out := make([]feed.Entry, 0, len(ns))
	for _, n := range ns {
		out = append(out, feed.Entry{Kind: ContentType, Label: "news.kind", ID: n.ID, Title: n.Title, Summary: n.Summary,
			URL: m.URL(n.ID), At: n.FeedAt(), InEvidence: n.InEvidence, Where: n.Category, Image: n.ImageURL()})
	}
	return out, nil
}

// NextChange is the next time a published item's window opens or closes
// (zero for none), until when the feed stays as it is.
func (m *Module) NextChange(ctx context.Context, tx bun.IDB) (time.Time, error) {
	var next sql.NullTime
	// Prepared, with the time as its parameter (a statement without one
	// would go unprepared, and its planning cost forty times its run).
	// The time is read by a subquery, so that no plan is made for its
	// value: PostgreSQL otherwise planned the statement again on every
	// run (0.3 ms, against 0.01 ms to run it), since it costs the plan for
	// any time above the one for a given time, though both are the same
	// two reads of an index.
	now := time.Now()
	err := db.QueryRow(ctx, tx, `SELECT least(
		(SELECT min(publish_from) FROM news WHERE state = 'published' AND publish_from > (SELECT ?::timestamptz)),
		(SELECT min(publish_until) FROM news WHERE state = 'published' AND publish_until > (SELECT ?::timestamptz)))`, now, now).Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("next publication change: %w", err)
	}
	return next.Time, nil
}

// window is the publication window of published items (?0 the viewer, ?1
// whether they see scheduled and expired items anyway): authors and those
// who may validate see them, others only between publish_from and
// publish_until.
const window = `(n.state <> 'published' OR (?0 > 0 AND n.author_id = ?0) OR ?1
	OR ((n.publish_from IS NULL OR n.publish_from <= now()) AND (n.publish_until IS NULL OR n.publish_until > now())))`
