package document

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/tenant"
)

// Feed lists for the dashboard the documents added or given a new version
// that the member uid sees in the libraries (a community's documents to
// its active members, the tenant library's by their scope), the latest
// first, after cur — documents are never in evidence — at most limit, in
// one prepared query; none while the tenant does not offer documents.
//
// Each library is read on its own, by date (documents_library_feed_idx),
// up to limit documents: the tenant library's and those of the member's
// communities, each already in order, so one plan holds for any member's
// libraries and is kept (see dashboard.Module.readFeed). A walk of the
// tenant's documents by date with a filter on the member's libraries
// needed a plan for each member's values (0.3–0.45 ms of planning on
// every dashboard, even of a tenant without documents), and a plan for
// any values of that walk read all of the member's libraries and sorted
// them. A community whose library is far larger than the tenant's average
// may still be read whole and sorted, since the plan weighs each library
// by that average: on the region's tenant, a community of 1,500 documents
// made the feed 2.1 ms to run instead of 0.17 (0.35 when bitmap scans are
// off, which the feed's other statements and the GIN indexes need).
func (m *Module) Feed(ctx context.Context, tx bun.IDB, uid int64, cur feed.Cursor, limit int) ([]feed.Entry, error) {
	if !tenant.FromContext(ctx).Offers(m.kit.Key) {
		return nil, nil
	}
	v := m.kit.ViewerAs(ctx, uid)
	v.P = &db.Params{} // prepared: the same text for every member (see db.Params)
	communities, err := communityLibraries(ctx, tx, v)
	if err != nil {
		return nil, err
	}
	// One library's page: only what an entry shows, the start of the
	// description (one character past what brief keeps, so that it knows
	// to cut), no author or folder.
	library := func(lib string) *bun.SelectQuery {
		q := tx.NewSelect().TableExpr("documents AS d").ColumnExpr(briefColumns + ", d.community_id").
			Where("coalesce(d.community_id, 0) = " + lib)
		return cur.Page(visible(q, v), v.P, ContentType, "d.feed_at", "d.id", limit)
	}
	ds := make([]Document, 0, limit) // see news.Module.Feed
	err = tx.NewSelect().Model(&ds).
		ModelTableExpr("((?) UNION ALL (SELECT d.* FROM unnest(?) AS lib(id) CROSS JOIN LATERAL (?) AS d)) AS d",
			library("0"), v.P.Arg(communities), library("lib.id")).
		ColumnExpr("d.id, d.title, d.body, d.versions, d.feed_at").
		ColumnExpr("coalesce(dc.name, '') AS community_name").
		Join("LEFT JOIN communities AS dc ON dc.id = d.community_id").
		OrderExpr("d.feed_at DESC, d.id DESC").Limit(int64(limit)).
		Conn(db.Bound(tx, v.P)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("document feed: %w", err)
	}
	out := make([]feed.Entry, 0, len(ds))
	for _, d := range ds {
		label := "document.kind"
		if d.Versions > 1 {
			label = "document.kind_versioned"
		}
		out = append(out, feed.Entry{Kind: ContentType, Label: label, ID: d.ID, Title: d.Title, Summary: brief(d.Body),
			URL: d.URL(), Where: d.CommunityName, At: d.FeedAt})
	}
	return out, nil
}

// communityLibraries are the communities whose libraries v reads: their
// active communities, those memberSQL keeps.
func communityLibraries(ctx context.Context, tx bun.IDB, v scope.Viewer) ([]int64, error) {
	if v.M != nil && v.M.UserID == v.UserID {
		return v.M.Communities, nil
	}
	var ids []int64
	err := tx.NewSelect().Table("community_members").Column("community_id").Where("user_id = ? AND state = 'active'", v.UserID).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("document feed: libraries: %w", err)
	}
	return ids, nil
}

// briefLength is how much of a description the feed shows, in characters.
const briefLength = 240

// briefColumns are the columns of a document's entry in the feed.
var briefColumns = "d.id, d.title, left(d.body, " + strconv.Itoa(briefLength+1) + ") AS body, d.versions, d.feed_at"

// brief is the start of a description for the feed: up to briefLength
// characters, cut at a space and marked as cut.
func brief(s string) string {
	r := []rune(s)
	if len(r) <= briefLength {
		return s
	}
	cut := string(r[:briefLength])
	if i := strings.LastIndexAny(cut, " \n"); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " \n.,;:") + "…"
}
