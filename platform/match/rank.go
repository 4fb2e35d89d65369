package match

import (
	"strings"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/setting"
)

// perSource is how many candidates each source gives at most: the best
// by text, and some of those who share all, then any, of the item's tags
// and themes. Every candidate is scored in full (its themes, tags,
// competencies and words), which is most of a suggestion's cost: on a
// region-sized tenant 50 a source score about 250 candidates in 8 ms, 100
// about 460 in 13 ms, for the same first suggestions; 30 (as many as the
// proposals' panel asks for) score about 160, and the first eight of a
// proposal's were those of 50 (ties after them in another order).
const perSource = 30

// The parameters of rankSQL. The statement goes prepared (db.Prepared):
// a panel then costs running it, not parsing and planning it anew (2.4
// of 6.2 ms on a region-sized tenant), and each of its parts says how it
// is read (candidates), since a plan made once for any item cannot
// weigh the item's own words and themes.
const (
	argQuery     = "$1" // the words, a tsquery of lexemes of the 'simple' configuration
	argHasWords  = "$2" // whether there are words
	argThemes    = "$3" // the item's themes, text[]
	argTags      = "$4" // the item's tags, bigint[]
	argUsers     = "$5" // people left out, bigint[]
	argOrgs      = "$6" // organisations left out, bigint[]
	argPerSource = "$7" // bigint
	argLimit     = "$8" // bigint
	argPatterns  = "$9" // the words as LIKE patterns, text[]
)

// validation is whether the tenant validates profiles, read by the
// statement itself (once: it depends on no row).
var validation = "(" + setting.BoolSQL(setting.ProfileValidation) + ")"

// words is the SQL of the item's words as a query: a parameter of the
// query's own type, parsed once rather than by every row.
const words = argQuery + "::tsquery"

// A source of candidates: the one people and organisations share, with
// from the table and its visibility rules (no row anyone else may not see
// is counted against a source's limit).
type source struct {
	id, from, themes, tags, search string
}

var (
	people = source{id: "p.user_id", themes: "p.themes", tags: "p.tags", search: "p.search",
		from: "profiles AS p WHERE EXISTS (SELECT 1 FROM users AS u WHERE u.id = p.user_id AND u.status = 'active' OFFSET 0) AND (NOT " + validation +
			" OR p.state = 'validated') AND p.user_id <> ALL (" + argUsers + "::bigint[])"}
	organizations = source{id: "o.id", themes: "o.themes", search: "o.search",
		from: "organizations AS o WHERE o.state = 'validated' AND o.id <> ALL (" + argOrgs + "::bigint[])"}
)

// looking is what an item has to look for: words, tags, themes, and
// whether its themes are so many that few share them all.
type looking struct{ words, tags, themes, manyThemes bool }

// fewShareAll is how many themes few share all of: each member and
// organisation chooses a few of the eight, so that two themes are shared
// by a tenth, three by a fiftieth (on a region-sized tenant, 118 of
// 22,000 people).
const fewShareAll = 3

// candidates is the SQL of the ids of the source's candidates, each part
// limited: the best matches of the words (ranked), those who share all of
// the tags, any of them, all of the themes, any of them (the newest of
// them). Each part says how it is read, whatever the plan's estimates:
//   - the words and the tags through their GIN indexes, the ids ordered
//     as "+ 0" (which no index gives, so that no plan walks the table in
//     id order looking for a rare tag);
//   - any of the themes, or all of a few, by walking the newest rows until
//     there are enough, the column written as an expression that no index
//     holds: a theme in common is shared by thousands, and the walk takes
//     0.1 ms where a bitmap of 13,000 rows takes 45 ms;
//   - all of many themes through the index, as the tags.
//
// Only the parts for what the item has to look for are written: a part
// that finds nothing still costs its planning and its start.
func (s source) candidates(l looking) string {
	sel := "(SELECT " + s.id + " AS id FROM " + s.from + " AND "
	limit := " LIMIT " + argPerSource + ")"
	indexed := " ORDER BY " + s.id + " + 0 DESC" + limit
	walked := " ORDER BY " + s.id + " DESC" + limit
	var parts []string
	if l.words {
		parts = append(parts, sel+s.search+" @@ "+words+" ORDER BY ts_rank("+s.search+", "+words+") DESC, "+s.id+limit)
	}
	if s.tags != "" && l.tags {
		arr := argTags + "::bigint[]"
		parts = append(parts, sel+s.tags+" @> "+arr+indexed, sel+s.tags+" && "+arr+indexed)
	}
	if l.themes {
		arr, unindexed := argThemes+"::text[]", "("+s.themes+" || '{}'::text[])"
		if l.manyThemes {
			parts = append(parts, sel+s.themes+" @> "+arr+indexed)
		} else {
			parts = append(parts, sel+unindexed+" @> "+arr+walked)
		}
		parts = append(parts, sel+unindexed+" && "+arr+walked)
	}
	if len(parts) == 0 { // none, but naming the source's parameters all the same
		return sel + "FALSE" + limit
	}
	return strings.Join(parts, "\n\tUNION ")
}

// rankSQLs are the texts of rankSQL, by what an item has to look for.
var rankSQLs = func() map[looking]string {
	m := map[looking]string{}
	for _, w := range []bool{false, true} {
		for _, t := range []bool{false, true} {
			for _, th := range []bool{false, true} {
				for _, many := range []bool{false, true} {
					l := looking{words: w, tags: t, themes: th, manyThemes: many}
					m[l] = rankSQL(l)
				}
			}
		}
	}
	return m
}()

// rankSQL ranks the candidates and returns the best ?8 with their
// reasons. A candidate's score is a point per theme in common, two per
// tag, three per competency holding one of the words, two per word found
// in the rest of their text (bio; an organisation's name and
// description), and the text's ts_rank (under one) to part the others.
// Each candidate's row is read by primary key (OFFSET 0 keeps the
// planner from joining the whole table), and names and tags' names only
// for the rows returned. A candidate's competencies and words are looked
// at one by one only when the part of their text that holds them (its
// weight: B for competencies, A and C for the rest) matches the words at
// all: most candidates share themes only, and reading each of their
// words one by one was most of the panel's time (2.5 of 8 ms); the words
// are then compared as text (patterns) rather than as one-word queries.
// The scores are computed once a candidate (r is materialised: inlined,
// its subqueries ran again for the score).
func rankSQL(l looking) string {
	return `WITH pc AS (` + people.candidates(l) + `
), oc AS (` + organizations.candidates(l) + `
), c AS (
	SELECT 'person' AS kind, pc.id, x.themes, x.tags, x.competencies, x.search
	FROM pc CROSS JOIN LATERAL (SELECT p.themes, p.tags, p.competencies, p.search FROM profiles AS p WHERE p.user_id = pc.id OFFSET 0) AS x
	UNION ALL
	SELECT 'organization', oc.id, x.themes, '{}'::bigint[], x.competencies, x.search
	FROM oc CROSS JOIN LATERAL (SELECT o.themes, o.competencies, o.search FROM organizations AS o WHERE o.id = oc.id OFFSET 0) AS x
), r AS MATERIALIZED (
	SELECT c.kind, c.id, c.tags,
		ARRAY(SELECT t FROM unnest(` + argThemes + `::text[]) WITH ORDINALITY AS x (t, i) WHERE t = ANY (c.themes) ORDER BY i) AS themes,
		(SELECT count(*) FROM unnest(c.tags) AS t WHERE t = ANY (` + argTags + `::bigint[])) AS tags_n,
		CASE WHEN ` + argHasWords + ` AND ts_filter(c.search, '{b}') @@ ` + words + ` THEN ARRAY(SELECT k FROM unnest(c.competencies) WITH ORDINALITY AS x (k, i)
			WHERE to_tsvector('simple', k) @@ ` + words + ` ORDER BY i) ELSE '{}' END AS competencies,
		CASE WHEN ` + argHasWords + ` AND ts_filter(c.search, '{a,c}') @@ ` + words + ` THEN ARRAY(SELECT l FROM unnest(tsvector_to_array(ts_filter(c.search, '{a,c}'))) AS l
			WHERE l LIKE ANY (` + argPatterns + `::text[]) ORDER BY l) ELSE '{}' END AS words,
		CASE WHEN ` + argHasWords + ` THEN ts_rank(c.search, ` + words + `) ELSE 0 END AS text_rank
	FROM c
), top AS (
	SELECT r.*, cardinality(r.themes) + 2 * r.tags_n + 3 * cardinality(r.competencies) + 2 * cardinality(r.words) + r.text_rank AS score
	FROM r ORDER BY score DESC, r.kind, r.id LIMIT ` + argLimit + `
)
SELECT t.kind, t.id, t.score, t.themes, t.competencies, t.words[1:5] AS words,
	CASE t.kind WHEN 'person' THEN (SELECT ` + auth.NameSQL("u") + ` FROM users AS u WHERE u.id = t.id)
		ELSE (SELECT o.name FROM organizations AS o WHERE o.id = t.id) END AS name,
	ARRAY(SELECT g.name FROM tags AS g WHERE g.id = ANY (t.tags) AND g.id = ANY (` + argTags + `::bigint[]) ORDER BY lower(g.name), g.id) AS tags
FROM top AS t ORDER BY t.score DESC, t.kind, t.id`
}
