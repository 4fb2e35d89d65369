package search

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// Source is a module's search, described for Ranked: the query of its
// matching rows, and where the snippets of the hits shown are cut from.
type Source struct {
	// Kind (a message key) and Prefix (of an item's URL) make the hits;
	// What names the module in errors.
	Kind, Prefix, What string
	// From is the table with its alias and any join the snippet text
	// needs ("news AS n"); ID is the SQL of a row's id.
	From, ID string
	// Config is the SQL of a row's text search configuration, Query the
	// words' query in it (see AnyLanguage), Text the SQL of the plain text
	// its snippet is cut from and HTML that of its rich text (sanitised
	// HTML, see richtext), which follows Text.
	Config, Query, Text, HTML string
	// Carry is the SQL of the columns of a candidate that Match and Rank
	// read, with their names, over From's aliases ("n.search AS doc").
	Carry string
	// Find is the condition, over From's aliases, by which the index of
	// the text finds the rows that match the words: all of them, and
	// perhaps more, unless Exact.
	Find string
	// Match keeps the candidates that match the words; Rank is the SQL of
	// a candidate's rank (a float8). Both are over the candidate's columns
	// (alias c). Find, Match, Rank and Walk take the words as ?0 to ?4
	// (AnyLanguage, OwnLanguage, Simple, AnyWord).
	Match, Rank string
	// Exact: what Find finds matches (Match need not look again).
	Exact bool
	// Walk, when the words are common, is the condition that finds the
	// candidates in place of Find, walking at most ?5 rows;
	// empty: the newest rows the viewer may see are walked until Window
	// of them match.
	Walk string
	// Newest (empty: "at DESC, id DESC") is the SQL of the candidates'
	// order, most recent first: the order of an index, so that a common
	// word walks the newest rows until enough match.
	Newest string
	// Stats is the table whose text search column "search" has the
	// statistics of how common words are among the source's rows (empty:
	// none, the words are always read through the index); Languages says
	// that Find looks for the words in the configuration of every
	// language (AnyLanguage) rather than in 'simple' only.
	Stats     string
	Languages bool
}

// Window is how many candidates of a source a search ranks at most: the
// most recent that the viewer may see. A word in thousands of items
// costs the ranking of Window of them, not of thousands (reading a row's
// text search document is the costly part of ranking).
const Window = 50

// row is what Run reads of a match.
type row struct {
	Kind  string
	ID    int64
	Title string
	At    time.Time
	Rank  float64
}

// Part is a source's ranked query, built and not yet run: a search runs
// the parts of all its sources in one statement (Run).
type Part struct {
	src    Source
	query  *bun.RawQuery
	params *db.Params
	plan   *Plan
}

// Ranked is the query of the best hits of s after q.After, at most
// q.Limit. candidates is the query of the rows of s that the viewer may
// see (the visibility rules inside it), selecting id, title and at, with
// the viewer's values as parameters of q.Params(). The Window most recent
// that match the words (s.Newest), with the columns s.Carry adds, are
// ranked (s.Rank) once (OFFSET 0: not again for the cursor's condition),
// and only the rows kept leave the database. They are found as q's plan
// says for s: by walking the newest rows until Window match (a common
// word), or through the index of the text (s.Find), then matched exactly
// (s.Match). The text search documents ride along with the candidates
// rather than being read again by key (a tenth of a millisecond a
// source). A walking part also says how many of the rows it walked
// matched (a row of its own, see Run).
func Ranked(tx bun.IDB, s Source, candidates *bun.SelectQuery, q Query) *Part {
	p := q.Params()
	words := q.queries()
	cond, args := q.After.after(s.Kind, p)
	newest := s.Newest
	if newest == "" {
		newest = "at DESC, id DESC"
	}
	if s.Carry != "" {
		candidates = candidates.ColumnExpr(s.Carry)
	}
	match := bun.SafeQuery(s.Match, words...)
	ranked := func(window any) *bun.RawQuery {
		all := []any{s.Kind, bun.SafeQuery(s.Rank, words...), window}
		return tx.NewRaw("SELECT ?::text AS kind, h.id, h.title, h.at, h.rank, NULL::int8 AS walked FROM (SELECT c.id, c.title, c.at, (?)::float8 AS rank"+
			" FROM (?) AS c OFFSET 0) AS h WHERE "+cond+
			" ORDER BY h.rank DESC, h.id DESC LIMIT ?", append(append(all, args...), p.Arg(int64(q.Limit)))...)
	}
	if n := q.Plan.walk(s); n > 0 {
		// The walk's window: the newest n rows the viewer may see, then
		// those that match (the match kept out of the walk, where an index
		// of the text would be chosen for it), or the source's own walk.
		var walked any
		if s.Walk != "" {
			walked = bun.SafeQuery("SELECT c.* FROM (?) AS c WHERE ?", candidates.Where(s.Walk, append(words, p.Arg(int64(n)))...).OrderExpr(newest).Limit(Window), match)
		} else {
			walked = bun.SafeQuery("SELECT c.* FROM (? LIMIT ?) AS c WHERE ? LIMIT ?", candidates.OrderExpr(newest), p.Arg(int64(n)), match, Window)
		}
		query := tx.NewRaw("WITH w AS MATERIALIZED (?) (?) UNION ALL SELECT ?::text, 0, '', now(), 0, count(*) FROM w",
			walked, ranked(bun.Safe("SELECT * FROM w")), s.Kind)
		return &Part{src: s, query: query, params: p, plan: q.Plan}
	}
	// The index's window: the newest Window of the rows Find finds.
	exact := any(match)
	if s.Exact {
		exact = bun.Safe("TRUE")
	}
	window := bun.SafeQuery("SELECT c.* FROM (?) AS c WHERE ?", candidates.Where(s.Find, words...).OrderExpr(newest).Limit(Window), exact)
	return &Part{src: s, query: ranked(window), params: p, plan: q.Plan}
}

// Run runs the parts that build makes for q (nil ones are none) in one
// statement and returns their hits in the order of results, without
// snippets, and the parts (for Snippets): a search's sources cost one
// round trip rather than one each. A part that walked its newest rows
// and found fewer than Window matches there (a word common in its table
// but not among its newest rows, or not among the rows the viewer may
// see, or not in their languages) is built again and run in a further
// statement whose hits replace its own: walking further, then, if it is
// still short, reading the index of the text (Plan.again).
func Run(ctx context.Context, tx bun.IDB, q Query, build func(Query) ([]*Part, error)) ([]Hit, []*Part, error) {
	parts, err := build(q)
	if err != nil {
		return nil, nil, err
	}
	parts = present(parts)
	hits, short, err := run(ctx, tx, parts)
	for len(short) > 0 && err == nil {
		q.Plan = q.Plan.again(short)
		var again []*Part
		if again, err = build(q); err != nil {
			break
		}
		again = slices.DeleteFunc(present(again), func(p *Part) bool { return !slices.Contains(short, p.src.Kind) })
		var more []Hit
		rerun := short
		if more, short, err = run(ctx, tx, again); err == nil {
			hits = append(slices.DeleteFunc(hits, func(h Hit) bool { return slices.Contains(rerun, h.Kind) }), more...)
			slices.SortStableFunc(hits, Compare)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	return hits, parts, nil
}

// run runs parts in one statement and returns their hits in the order
// of results and the kinds of the walking parts that came back short.
func run(ctx context.Context, tx bun.IDB, parts []*Part) ([]Hit, []string, error) {
	if len(parts) == 0 {
		return nil, nil, nil
	}
	queries := make([]string, len(parts))
	args := make([]any, len(parts))
	byKind := make(map[string]Source, len(parts))
	for i, p := range parts {
		queries[i], args[i] = "(?)", p.query
		byKind[p.src.Kind] = p.src
	}
	var hits []Hit
	var short []string
	err := query(ctx, tx, parts[0].params, tx.NewRaw(strings.Join(queries, " UNION ALL "), args...), func(rows *sql.Rows) error {
		var r row
		var walked sql.NullInt64
		if err := rows.Scan(&r.Kind, &r.ID, &r.Title, &r.At, &r.Rank, &walked); err != nil {
			return err
		}
		if walked.Valid { // a walking part's count of its matches
			if walked.Int64 < Window {
				short = append(short, r.Kind)
			}
			return nil
		}
		s := byKind[r.Kind]
		hits = append(hits, Hit{Kind: s.Kind, ID: r.ID, Title: r.Title, URL: s.Prefix + strconv.FormatInt(r.ID, 10), Rank: r.Rank, At: r.At})
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("search %s: %w", what(parts), err)
	}
	slices.SortStableFunc(hits, Compare)
	return hits, short, nil
}

// query runs q, written with the parameters p (nil: none, its values
// are literals), as a prepared statement, and gives each row to scan.
func query(ctx context.Context, tx bun.IDB, p *db.Params, q schema.QueryAppender, scan func(*sql.Rows) error) error {
	text, err := q.AppendQuery(schema.NewQueryGen(tx.Dialect()), nil)
	if err != nil {
		return err
	}
	var values []any
	if p != nil {
		values = p.Values()
	}
	rows, err := db.Prepared(tx, values...).QueryContext(ctx, string(text))
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// present are the parts of sources with something to search (not nil).
func present(parts []*Part) []*Part {
	return slices.DeleteFunc(slices.Clone(parts), func(p *Part) bool { return p == nil })
}

// what names the sources of parts in errors.
func what(parts []*Part) string {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.src.What
	}
	return strings.Join(names, ", ")
}

// A snippet is cut from a part of its text only: ts_headline parses all it
// is given (two microseconds a word), and a proposal's text runs to
// 1,500 characters. The part is snippetSpan characters from snippetLead
// before the first place the anchor word appears (Anchor), or the text's
// start when it does not appear as typed (another form of the word, say).
const (
	snippetSpan = 250
	snippetLead = 100
)

// Rich text is cut as stored: ts_headline reads HTML's tags as spaces and
// its character references as words of their own, so only the part's
// edges need mending (cutHTML drops a tag or reference cut in two), and
// the tags of the whole text are never stripped (with ts_headline, the
// costly part of a news item's snippet when they were). Plain text before
// it is escaped as the sanitiser escapes text (escapeHTML), so that the
// part is HTML throughout and SnippetOfHTML reads it back.
const cutHTML = `'^[^<>]*>|<[^>]*$|&[#0-9A-Za-z]*$'`

func escapeHTML(sql string) string {
	return "replace(replace(replace(replace(replace(" + sql + `, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&#34;'), '''', '&#39;')`
}

// snippetText is the SQL of the text a snippet of s is cut from, the
// SQL that cuts its part (of x.t from x.at, ? characters), and the anchor
// word as that text writes it.
func snippetText(s Source, anchor string) (text, part, written string) {
	if s.HTML == "" {
		return s.Text, "substr(x.t, x.at, ?)", anchor
	}
	text = s.HTML
	if s.Text != "" {
		text = escapeHTML(s.Text) + " || ' ' || " + s.HTML
	}
	return text, "regexp_replace(substr(x.t, x.at, ?), " + cutHTML + ", '', 'g')", html.EscapeString(anchor)
}

// Snippets fills the snippets of words in hits (those a page shows, hits
// of Run on parts), in one statement: the matched words marked, the text
// escaped (Snippet), "… " before a snippet that does not start with its
// text. ts_headline is the costly part of a search, so it runs for the
// hits shown only.
func Snippets(ctx context.Context, tx bun.IDB, words string, hits []Hit, parts ...*Part) error {
	parts = present(parts)
	ids := map[string][]int64{}
	for _, h := range hits {
		ids[h.Kind] = append(ids[h.Kind], h.ID)
	}
	var queries []string
	var args []any
	params, qs := &db.Params{}, Queries(words)
	if len(parts) > 0 && parts[0].plan != nil {
		params, qs = parts[0].plan.fresh()
	}
	rich := map[string]bool{}
	for _, p := range parts {
		if len(ids[p.src.Kind]) == 0 {
			continue
		}
		s := p.src
		text, part, anchor := snippetText(s, Anchor(words))
		rich[s.Kind] = s.HTML != ""
		queries = append(queries, "(SELECT ?::text AS kind, "+s.ID+" AS id, ts_headline("+s.Config+", "+part+", ?, ?) AS snippet, x.at > 1 AS cut"+
			" FROM "+s.From+" CROSS JOIN LATERAL (SELECT y.t, greatest(1, strpos(lower(y.t), ?) - ?) AS at FROM (SELECT "+text+" AS t) AS y) AS x"+
			" WHERE "+s.ID+" = ANY (?))")
		args = append(args, s.Kind, snippetSpan, bun.SafeQuery(s.Query, qs...), HeadlineOptions, params.Arg(anchor), snippetLead, params.Arg(ids[s.Kind]))
	}
	if len(queries) == 0 {
		return nil
	}
	type key struct {
		kind string
		id   int64
	}
	got := map[key]template.HTML{}
	err := query(ctx, tx, params, tx.NewRaw(strings.Join(queries, " UNION ALL "), args...), func(rows *sql.Rows) error {
		var k key
		var snippet string
		var cut bool
		if err := rows.Scan(&k.kind, &k.id, &snippet, &cut); err != nil {
			return err
		}
		if cut {
			snippet = "… " + snippet
		}
		if rich[k.kind] {
			got[k] = SnippetOfHTML(snippet)
		} else {
			got[k] = Snippet(snippet)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("snippets of %s: %w", what(parts), err)
	}
	for i := range hits {
		hits[i].Snippet = got[key{hits[i].Kind, hits[i].ID}]
	}
	return nil
}

// Anchor is the word of words (web search syntax) that a snippet's text is
// cut around: the longest of those not negated, lower-cased, "" for none.
func Anchor(words string) string {
	var best string
	for _, w := range strings.Fields(strings.ToLower(words)) {
		if strings.HasPrefix(w, "-") || w == "or" {
			continue
		}
		w = strings.Trim(w, `"'()`)
		if utf8.RuneCountInString(w) > utf8.RuneCountInString(best) {
			best = w
		}
	}
	return best
}

// The words in a source's SQL (Find, Match, Rank, Walk): ?0 the words
// as typed (web search syntax); ?1, ?2, ?3 their query in the 'italian',
// 'english' and 'simple' configurations; ?4 AnyWord's query. A search's
// plan gives the queries as parameters, made once for the statement
// rather than by every row (Queries gives them as SQL otherwise).
const (
	// AnyLanguage is the words as a query in every configuration that
	// items of several languages are stored in (italian, english, simple:
	// piazza_ts_config). Unlike the query in an item's own language it
	// does not depend on the row, so the GIN index of a column of several
	// languages finds the candidates with it; the item's own language
	// then decides.
	AnyLanguage = "(?1 || ?2 || ?3)"
	// Simple is the words as a query in the 'simple' configuration.
	Simple = "?3"
	// AnyWord is a query matching a text in the 'simple' configuration
	// that holds any of the words: a superset of what the web search
	// syntax matches (but for a query of negations alone), for the
	// indexes of the parts of a document that spans two tables.
	AnyWord = "?4"
)

// OwnLanguage is the words as a query in the text search configuration
// of the language in column, as piazza_ts_config maps it: each of the
// three queries is made once, so a row costs a comparison rather than a
// parse of the words.
func OwnLanguage(column string) string {
	return "(CASE " + column + " WHEN 'it' THEN ?1 WHEN 'en' THEN ?2 ELSE ?3 END)"
}

// anyWordSQL is AnyWord's query of the words ?.
const anyWordSQL = "replace(plainto_tsquery('simple', ?)::text, ' & ', ' | ')"

// Queries are the arguments ?0 to ?4 of SQL written with the words'
// queries (AnyLanguage, OwnLanguage, Simple, AnyWord), as SQL that makes
// them from words.
func Queries(words string) []any {
	return []any{words, bun.SafeQuery("websearch_to_tsquery('italian', ?)", words), bun.SafeQuery("websearch_to_tsquery('english', ?)", words),
		bun.SafeQuery("websearch_to_tsquery('simple', ?)", words), bun.SafeQuery(anyWordSQL+"::tsquery", words)}
}
