package community

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/search"
)

// searching is the text search of communities.
var searching = directory.Search{From: "communities AS c", Columns: "c.id, c.name AS title, c.created_at AS at", ID: "c.id",
	Doc: "c.search", Text: "c.description", Kind: "community.kind_name", Prefix: "/communities/", What: "communities"}

// Search finds the communities the member may see matching q (none for guests).
func (m *Module) Search(ctx context.Context, tx bun.IDB, q string, uid int64, limit int) ([]search.Hit, error) {
	who := func(ctx context.Context, _ bun.IDB) (Viewer, error) {
		return Viewer{UserID: uid, Validator: authz.Can(ctx, "community/new", "validate")}, nil
	}
	return directory.Find(ctx, tx, searching, q, uid, limit, who, func(sq *bun.SelectQuery, v Viewer) *bun.SelectQuery {
		return sq.Where(visibleSQL, v.UserID, v.Validator)
	})
}
