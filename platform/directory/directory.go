// Package directory is what the tenant's directories — members' profiles,
// organisations, communities — share: reading the one entry a viewer may
// see, and searching the entries by text, ranked and highlighted, with
// each directory's own rules of who sees what inside the query.
package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/search"
)

// Competencies reads a form's comma-separated competencies (at most 30),
// adding key to errs on field "competencies" when one is longer than 80
// characters; none is an empty list.
func Competencies(value string, errs form.Errors, key string) []string {
	ks := form.List(value, 30)
	for _, k := range ks {
		if len([]rune(k)) > 80 {
			errs.Add("competencies", key)
		}
	}
	if ks == nil {
		return []string{}
	}
	return ks
}

// One reads the entry that query (built on the new entry it is given)
// selects; no row is notFound. op names the read in errors.
func One[T any](ctx context.Context, query func(dst *T) *bun.SelectQuery, notFound error, op string) (*T, error) {
	dst := new(T)
	err := query(dst).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return dst, nil
}

// All reads the entries that query (built on the list it is given)
// selects. op names the read in errors.
func All[T any](ctx context.Context, query func(dst *[]T) *bun.SelectQuery, op string) ([]T, error) {
	var dst []T
	if err := query(&dst).Scan(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return dst, nil
}

// Theme narrows q to the entries whose column of themes holds theme (all
// for ""), in the form a GIN index of the column serves.
func Theme(q *bun.SelectQuery, column, theme string) *bun.SelectQuery {
	if theme == "" {
		return q
	}
	return q.Where(column+" @> ARRAY[?]::text[]", theme)
}

// Prefixes is the text of a tsquery (for to_tsquery in the 'simple'
// configuration) matching a text that holds words starting with each of
// the words of s, with weight (a letter of A to D, "" for any): a filter
// typed as the start of words ("ross" for Rossi) that a GIN index of the
// text serves. Words are runs of letters and digits; "" when s has none,
// which matches nothing.
func Prefixes(s, weight string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		words[i] = "'" + w + "':*" + weight
	}
	return strings.Join(words, " & ")
}

// Search is a directory's text search, in the 'simple' configuration.
type Search struct {
	// From is the table with its alias ("organizations AS o") and the
	// joins Doc and Text need; Columns select the entry's id, title and
	// at; ID is the SQL of its id.
	From, Columns, ID string
	// Doc is the text search document, Text the text snippets are cut from.
	Doc, Text string
	// Candidates, when Doc is an expression no index holds (a document
	// spanning two tables), is a condition finding through indexes a
	// superset of the entries whose Doc matches the words (?0).
	Candidates string
	// Kind (a message key) and Prefix (of an entry's URL) make the hits;
	// What names the directory in errors.
	Kind, Prefix, What string
	// Walk, with Candidates, is the condition that finds a superset of
	// the entries whose Doc matches the words by walking at most ?5 rows,
	// for common words (search.Source: the words' queries are ?0 to ?4).
	Walk string
	// Stats (empty: From's table) is the table whose column "search"
	// tells how common words are among the entries (search.Source).
	Stats string
}

// source is the directory's search as the search package describes it.
// An entry's id follows its creation: the newest entries are those of the
// highest ids, which the primary key walks back to until a common word's
// window is full (a scan of every organisation otherwise).
func (s Search) source() search.Source {
	const query = search.Simple
	src := search.Source{Kind: s.Kind, Prefix: s.Prefix, What: s.What, From: s.From, ID: s.ID, Config: "'simple'", Query: query, Text: s.Text,
		Carry: s.Doc + " AS doc", Find: s.Candidates, Match: "c.doc @@ " + query, Rank: "ts_rank(c.doc, " + query + ")",
		Newest: s.ID + " DESC", Walk: s.Walk, Stats: s.Stats}
	if s.Candidates == "" {
		src.Find, src.Exact = s.Doc+" @@ "+query, true
	}
	if src.Stats == "" {
		src.Stats, _, _ = strings.Cut(s.From, " ")
	}
	return src
}

// Find is the query of the best entries after q.After matching q.Words
// (web search syntax), at most q.Limit, among those member uid may see
// (search.Run runs it): visible keeps them, with the viewer who reads (and
// any join it needs), writing the viewer's values through p (the
// statement's parameters: p.Arg). Guests (uid 0) find nothing (nil).
func Find[V any](ctx context.Context, tx bun.IDB, s Search, q search.Query, uid int64,
	who func(context.Context, bun.IDB) (V, error), visible func(sq *bun.SelectQuery, v V, p *db.Params) *bun.SelectQuery) (*search.Part, error) {
	if uid == 0 {
		return nil, nil
	}
	v, err := who(ctx, tx)
	if err != nil {
		return nil, err
	}
	sq := tx.NewSelect().TableExpr(s.From).ColumnExpr(s.Columns)
	return search.Ranked(tx, s.source(), visible(sq, v, q.Params()), q), nil
}
