package profile

import (
	"context"
	"fmt"
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
	Candidates: candidatesBelow(topSQL),
	Kind:       "profile.kind_name", Prefix: "/people/", What: "people"}

// topSQL is the SQL of the highest member id.
const topSQL = "(SELECT max(id) FROM users)"

// candidatesBelow is the condition of the candidates, the newest matches
// counted back from top (SQL).
func candidatesBelow(top string) string {
	return "u.id = ANY (ARRAY(" + newestMatches(4*search.Window, top) + "))"
}

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
//
// top is the SQL of the highest member id: Search reads it first and gives
// it as a number, so that the planner knows each band's size (given as a
// subquery, it guessed a small band and filtered 2,000 profiles one by one
// where the two indexes together find the matches at a sixth of the cost).
func newestMatches(n int, top string) string {
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
	var top int64
	if err := tx.NewRaw("SELECT coalesce(max(id), 0) FROM users").Scan(ctx, &top); err != nil {
		return nil, fmt.Errorf("search people: %w", err)
	}
	s := searching
	s.Candidates = candidatesBelow(strconv.FormatInt(top, 10))
	return directory.Find(ctx, tx, s, q, uid, viewer, func(sq *bun.SelectQuery, vw Viewer) *bun.SelectQuery {
		return visible(sq.Where("u.status = 'active'"), vw)
	})
}

// Snippets cuts the snippets of words from the profiles of members ids
// (hits of Search).
func (m *Module) Snippets(ctx context.Context, tx bun.IDB, words string, ids []int64) (map[int64]template.HTML, error) {
	return directory.Snippets(ctx, tx, searching, words, ids)
}
