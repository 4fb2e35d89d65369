package community

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/search"
)

// searching is the text search of communities.
var searching = directory.Search{From: "communities AS c", Columns: "c.id, c.name AS title, c.created_at AS at", ID: "c.id",
	Doc: "c.search", Text: "c.description", Kind: "community.kind_name", Prefix: "/communities/", What: "communities"}

// Search finds the best communities after q.After that the member may see
// matching q.Words (none for guests), without snippets.
func (m *Module) Search(ctx context.Context, tx bun.IDB, q search.Query, uid int64) (*search.Part, error) {
	who := func(ctx context.Context, _ bun.IDB) (Viewer, error) {
		return Viewer{UserID: uid, Validator: authz.Can(ctx, "community/new", "validate")}, nil
	}
	return directory.Find(ctx, tx, searching, q, uid, who, func(sq *bun.SelectQuery, v Viewer, p *db.Params) *bun.SelectQuery {
		return sq.Where(visibleSQL, p.Arg(v.UserID), p.Arg(v.Validator))
	})
}
