package proposal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/search"
	"github.com/piazza-pa/piazza/tenant"
)

// off says whether the tenant of ctx switched the module off: then it
// offers nothing to the feed, the inbox, search or a community's page
// either (its pages answer 404, see web.SectionGuard).
func off(ctx context.Context) bool {
	t := tenant.FromContext(ctx)
	return t != nil && (slices.Contains(t.Brand.Published.Off, "proposal") || !t.Plan.AllowsModule("proposal"))
}

// Feed lists the published proposals for uid, newest first, after cur
// (proposals are never in evidence).
func (m *Module) Feed(ctx context.Context, tx bun.IDB, uid int64, cur feed.Cursor, limit int) ([]feed.Entry, error) {
	if off(ctx) {
		return nil, nil
	}
	if cur.Set && cur.InEvidence {
		cur = feed.Cursor{} // every proposal comes after the items in evidence
	}
	v := m.ViewerAs(ctx, uid)
	v.P = &db.Params{}               // prepared: the same text for every member (see db.Params)
	ps := make([]Proposal, 0, limit) // see news.Module.Feed
	// Only what an entry shows: no body or author (see news.Module.Feed).
	q := visible(tx.NewSelect().Model(&ps).
		ColumnExpr("p.id, p.title, p.summary, p.published_at, p.created_at").
		ColumnExpr("coalesce(o.name, '') AS organization_name").
		Join("LEFT JOIN organizations AS o ON o.id = p.organization_id"), v).
		Where("p.state = 'published'")
	if cur.Set {
		q = q.Where("(p.published_at < ?0 OR (p.published_at = ?0 AND (?1 OR (?2 AND p.id < ?3))))",
			v.P.Arg(cur.At), v.P.Arg(ContentType > cur.Kind), v.P.Arg(ContentType == cur.Kind), v.P.Arg(cur.ID))
	}
	if err := q.OrderExpr("p.published_at DESC, p.id DESC").Limit(int64(limit)).Conn(db.Bound(tx, v.P)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("proposal feed: %w", err)
	}
	out := make([]feed.Entry, 0, len(ps))
	for _, p := range ps {
		out = append(out, feed.Entry{Kind: ContentType, Label: "proposal.kind", ID: p.ID, Title: p.Title, Summary: p.Summary,
			URL: m.URL(p.ID), At: p.When(), Where: p.OrganizationName})
	}
	return out, nil
}

// Search is the kit's search, none when the module is off.
func (m *Module) Search(ctx context.Context, tx bun.IDB, q search.Query, uid int64) (*search.Part, error) {
	if off(ctx) {
		return nil, nil
	}
	return m.Kit.Search(ctx, tx, q, uid)
}

// CommunityItems lists a community's proposals as uid may see them, none
// when the module is off.
func (m *Module) CommunityItems(ctx context.Context, tx bun.IDB, id, uid int64, limit int) ([]community.Item, error) {
	if off(ctx) {
		return nil, nil
	}
	return m.Sources.CommunityItems(ctx, tx, id, uid, limit)
}

// CommunityOrigin is the proposal community id is the work group of, when
// uid may see it (for the community's page: "born from").
func (m *Module) CommunityOrigin(ctx context.Context, tx bun.IDB, id, uid int64) (community.Item, bool, error) {
	var p Proposal
	err := selectFor(tx, m.ViewerAs(ctx, uid), &p).Where("p.work_group_id = ?", id).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return community.Item{}, false, nil // none, or not one uid may see
	}
	if err != nil {
		return community.Item{}, false, fmt.Errorf("proposal of a work group: %w", err)
	}
	return community.Item{Type: ContentType, Title: p.Title, URL: m.URL(p.ID), Summary: p.Summary, State: p.State, At: p.When()}, true, nil
}
