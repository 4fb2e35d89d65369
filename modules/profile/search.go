package profile

import (
	"context"
	"html/template"
	"strconv"
	"strings"

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
	Doc:        "(setweight(" + nameDoc("u") + ", 'A') || coalesce(p.search, ''::tsvector))",
	Text:       "coalesce(p.bio, '') || ' ' || piazza_join(p.competencies)",
	Candidates: "u.id = ANY (ARRAY(" + newestMatches(4*search.Window) + "))",
	Kind:       "profile.kind_name", Prefix: "/people/", What: "people"}

// matchBands are the bands of member ids, counted back from the highest,
// in which newestMatches looks for matches one after the other.
var matchBands = []int{2_000, 10_000}

// newestMatches is the SQL of the ids of the n newest members whose name
// or profile holds any of the words (?0), newest first. The matches are
// looked for band by band (matchBands, then the rest), each band's ids
// sorted; the bands are disjoint and in order, so the first n of them
// all are the n newest, and a band after the n-th match is never read. A
// word in a fifth of 22,000 profiles reads the 2,000 newest members'
// rows (220 pages), not its 4,600 matches' (1,600 pages).
func newestMatches(n int) string {
	const top = "(SELECT max(id) FROM users)"
	band := func(col string, i int) string {
		var conds []string
		if i < len(matchBands) {
			conds = append(conds, col+" > "+top+" - "+strconv.Itoa(matchBands[i]))
		}
		if i > 0 {
			conds = append(conds, col+" <= "+top+" - "+strconv.Itoa(matchBands[i-1]))
		}
		return strings.Join(conds, " AND ")
	}
	parts := make([]string, 0, len(matchBands)+1)
	for i := 0; i <= len(matchBands); i++ {
		parts = append(parts, "(SELECT id FROM (SELECT cu.id FROM users AS cu WHERE "+band("cu.id", i)+" AND "+nameDoc("cu")+" @@ "+search.AnyWord+
			" UNION SELECT cp.user_id FROM profiles AS cp WHERE "+band("cp.user_id", i)+" AND cp.search @@ "+search.AnyWord+") AS b ORDER BY 1 DESC)")
	}
	return "SELECT id FROM (" + strings.Join(parts, " UNION ALL ") + ") AS banded LIMIT " + strconv.Itoa(n)
}

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
