package profile

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/search"
)

// searching is the text search of profiles, by name, bio and competencies.
var searching = directory.Search{From: "users AS u", Columns: "u.id, u.created_at AS at, " + auth.NameSQL("u") + " AS title", ID: "u.id",
	Doc:  "(setweight(to_tsvector('simple', u.display_name), 'A') || coalesce(p.search, ''::tsvector))",
	Text: "coalesce(p.bio, '') || ' ' || piazza_join(p.competencies)",
	Kind: "profile.kind_name", Prefix: "/people/", What: "people"}

// Search finds the profiles the member may see matching q, by name, bio
// and competencies (none for guests).
func (m *Module) Search(ctx context.Context, tx bun.IDB, q string, uid int64, limit int) ([]search.Hit, error) {
	return directory.Find(ctx, tx, searching, q, uid, limit, viewer, func(sq *bun.SelectQuery, vw Viewer) *bun.SelectQuery {
		return visible(sq.Join("LEFT JOIN profiles AS p ON p.user_id = u.id").Where("u.status = 'active'"), vw)
	})
}
