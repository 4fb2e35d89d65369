package match

import (
	"strings"

	"github.com/piazza-pa/piazza/platform/auth"
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

// The arguments of rankSQL, by index.
const (
	argQuery      = "?0" // the words, as a tsquery's text
	argHasWords   = "?1" // whether there are words
	argThemes     = "?2" // the item's themes, text[]
	argTags       = "?3" // the item's tags, bigint[]
	argUsers      = "?4" // people left out, bigint[]
	argOrgs       = "?5" // organisations left out, bigint[]
	argValidation = "?6" // whether the tenant validates profiles
	argPerSource  = "?7"
	argLimit      = "?8"
	argPatterns   = "?9" // the words as LIKE patterns, text[]
)

// words is the SQL of the item's words as a query.
const words = "to_tsquery('simple', " + argQuery + ")"

// A source of candidates: the one people and organisations share, with
// from the table and its visibility rules (no row anyone else may not see
// is counted against a source's limit).
type source struct {
	id, from, themes, tags, search string
}

var (
	people = source{id: "p.user_id", themes: "p.themes", tags: "p.tags", search: "p.search",
		from: "profiles AS p WHERE EXISTS (SELECT 1 FROM users AS u WHERE u.id = p.user_id AND u.status = 'active' OFFSET 0) AND (NOT " + argValidation +
			" OR p.state = 'validated') AND p.user_id <> ALL (" + argUsers + "::bigint[])"}
	organizations = source{id: "o.id", themes: "o.themes", search: "o.search",
		from: "organizations AS o WHERE o.state = 'validated' AND o.id <> ALL (" + argOrgs + "::bigint[])"}
)

// looking is what an item has to look for: words, tags, themes.
type looking struct{ words, tags, themes bool }

// candidates is the SQL of the ids of the source's candidates, each
// source through its GIN index and limited: the best matches of the words
// (ranked), those who share all of the tags, any of them, all of the
// themes, any of them (the newest of them: a theme in common is shared by
// thousands, and in id order the planner reads the newest rows until it
// has enough, 0.1 ms, instead of building a bitmap of 13,000 rows, 2–8 ms
// on a region-sized tenant). Only the parts for what the item has to look
// for are written: a part that finds nothing still costs its planning
// (1.2 of 7.4 ms for the two parts of tags an item without tags had).
func (s source) candidates(l looking) string {
	sel := "(SELECT " + s.id + " AS id FROM " + s.from + " AND "
	limit := " LIMIT " + argPerSource + ")"
	var parts []string
	if l.words {
		parts = append(parts, sel+s.search+" @@ "+words+" ORDER BY ts_rank("+s.search+", "+words+") DESC, "+s.id+limit)
	}
	for _, list := range []struct {
		column, arg, typ string
		has              bool
	}{{s.tags, argTags, "bigint", l.tags}, {s.themes, argThemes, "text", l.themes}} {
		if list.column == "" || !list.has {
			continue
		}
		arr := list.arg + "::" + list.typ + "[]"
		for _, op := range []string{"@>", "&&"} {
			parts = append(parts, sel+list.column+" "+op+" "+arr+" ORDER BY "+s.id+" DESC"+limit)
		}
	}
	if len(parts) == 0 {
		return "SELECT NULL::bigint AS id WHERE FALSE"
	}
	return strings.Join(parts, "\n\tUNION ")
}

// rankSQLs are the texts of rankSQL, by what an item has to look for.
var rankSQLs = func() map[looking]string {
	m := map[looking]string{}
	for _, w := range []bool{false, true} {
		for _, t := range []bool{false, true} {
			for _, th := range []bool{false, true} {
				l := looking{words: w, tags: t, themes: th}
				m[l] = rankSQL(l)
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
