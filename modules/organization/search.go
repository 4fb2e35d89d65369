package organization

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/search"
)

// searching is the text search of organisations.
var searching = directory.Search{From: "organizations AS o", Columns: "o.id, o.name AS title, o.created_at AS at", ID: "o.id",
	Doc: "o.search", Text: "o.description || ' ' || piazza_join(o.competencies)",
	Kind: "organization.kind_name", Prefix: "/organizations/", What: "organisations"}

// Search finds the best organisations after q.After that the member may
// see matching q.Words (none for guests), without snippets.
func (m *Module) Search(ctx context.Context, tx bun.IDB, q search.Query, uid int64) (*search.Part, error) {
	return directory.Find(ctx, tx, searching, q, uid, viewer, func(sq *bun.SelectQuery, vw Viewer, p *db.Params) *bun.SelectQuery {
		user := p.Arg(vw.UserID)
		sq = sq.Join("LEFT JOIN organization_members AS mm ON mm.organization_id = o.id AND mm.user_id = ?", user)
		if !vw.Facilitator {
			sq = sq.Where(visibleSQL, user)
		}
		return sq
	})
}
