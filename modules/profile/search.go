package profile

import (
	"context"
	"html/template"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/search"
)

// nameDoc is the text search document of the names of the member aliased
// alias, as an index of users holds it (users_name_search_idx).
func nameDoc(alias string) string {
	return "to_tsvector('simple', " + alias + ".display_name || ' ' || " + alias + ".given_name || ' ' || " + alias + ".family_name)"
}

// searching is the text search of profiles, by name, bio and
// competencies: a document spanning users and profiles. The two tables'
// indexes find the candidates, of which the newest members (the highest
// ids, a few times the search's window: a common word is in thousands of
// profiles) are read by primary key rather than every member scanned,
// before the whole document decides.
var searching = directory.Search{From: "users AS u LEFT JOIN profiles AS p ON p.user_id = u.id",
	Columns: "u.id, u.created_at AS at, " + auth.NameSQL("u") + " AS title", ID: "u.id",
	Doc:  "(setweight(" + nameDoc("u") + ", 'A') || coalesce(p.search, ''::tsvector))",
	Text: "coalesce(p.bio, '') || ' ' || piazza_join(p.competencies)",
	Candidates: "u.id = ANY (ARRAY(SELECT cu.id FROM users AS cu WHERE " + nameDoc("cu") + " @@ " + search.AnyWord +
		" UNION SELECT cp.user_id FROM profiles AS cp WHERE cp.search @@ " + search.AnyWord +
		" ORDER BY 1 DESC LIMIT " + strconv.Itoa(4*search.Window) + "))",
	Kind: "profile.kind_name", Prefix: "/people/", What: "people"}

// Search finds the best profiles after q.After that the member may see
// matching q.Words, by name, bio and competencies (none for guests),
// without snippets.
func (m *Module) Search(ctx context.Context, tx bun.IDB, q search.Query, uid int64) ([]search.Hit, error) {
	return directory.Find(ctx, tx, searching, q, uid, viewer, func(sq *bun.SelectQuery, vw Viewer) *bun.SelectQuery {
		return visible(sq.Where("u.status = 'active'"), vw)
	})
}

// Snippets cuts the snippets of words from the profiles of members ids
// (hits of Search).
func (m *Module) Snippets(ctx context.Context, tx bun.IDB, words string, ids []int64) (map[int64]template.HTML, error) {
	return directory.Snippets(ctx, tx, searching, words, ids)
}
