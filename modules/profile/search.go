package profile

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
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
// indexes find the newest members who match (newestMatches), before the
// whole document decides.
var searching = directory.Search{From: "users AS u LEFT JOIN profiles AS p ON p.user_id = u.id",
	Columns: "u.id, u.created_at AS at, " + auth.NameSQL("u") + " AS title", ID: "u.id",
	Doc:        "(setweight(" + nameDoc("u") + ", 'A') || coalesce(p.search, ''::tsvector))",
	Text:       "coalesce(p.bio, '') || ' ' || piazza_join(p.competencies)",
	Candidates: "u.id = ANY (ARRAY(" + newestMatches(search.Window+search.Window/4, false) + "))",
	Walk:       "u.id = ANY (ARRAY(" + newestMatches(search.Window+search.Window/4, true) + "))",
	Kind:       "profile.kind_name", Prefix: "/people/", What: "people", Stats: "profiles"}

// newestMatches is the SQL of the ids of the n newest members whose name
// or profile holds any of the words (search.AnyWord), newest first: the
// n newest of each table, merged. Names are found through their index;
// profiles too, or, when walk (the words are common among profiles,
// search.Plan), by walking the newest ?5 profiles until n match: a word in a fifth of
// 22,000 profiles is in about 5n of them, where its index would read
// 4,000. The window is a quarter more than the search's: the candidates'
// conditions (active members, visible profiles) then drop a few.
func newestMatches(n int, walk bool) string {
	limit := " LIMIT " + strconv.Itoa(n)
	profiles := "SELECT cp.user_id FROM profiles AS cp WHERE cp.search @@ " + search.AnyWord + " ORDER BY cp.user_id DESC" + limit
	if walk {
		profiles = "SELECT cp.user_id FROM (SELECT user_id, search FROM profiles ORDER BY user_id DESC LIMIT ?5) AS cp WHERE cp.search @@ " +
			search.AnyWord + limit
	}
	return "SELECT id FROM ((SELECT cu.id FROM users AS cu WHERE " + nameDoc("cu") + " @@ " + search.AnyWord + " ORDER BY cu.id DESC" + limit +
		") UNION (" + profiles + ")) AS m ORDER BY id DESC" + limit
}

// Search finds the best profiles after q.After that the member may see
// matching q.Words, by name, bio and competencies (none for guests),
// without snippets.
func (m *Module) Search(ctx context.Context, tx bun.IDB, q search.Query, uid int64) (*search.Part, error) {
	return directory.Find(ctx, tx, searching, q, uid, viewer, func(sq *bun.SelectQuery, vw Viewer, p *db.Params) *bun.SelectQuery {
		return visibleWith(sq.Where("u.status = 'active'"), vw, p)
	})
}
