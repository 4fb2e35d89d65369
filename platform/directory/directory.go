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

	"github.com/uptrace/bun"

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

// Search is a directory's text search, in the 'simple' configuration.
type Search struct {
	// From is the table with its alias ("organizations AS o"); Columns
	// select the entry's id, title and at; ID orders equal ranks.
	From, Columns, ID string
	// Doc is the text search document, Text the text snippets are cut from.
	Doc, Text string
	// Kind (a message key) and Prefix (of an entry's URL) make the hits;
	// What names the directory in errors.
	Kind, Prefix, What string
}

// Find returns up to limit entries matching q (web search syntax), best
// first, among those visible keeps (the viewer's rules, and any join they
// need).
func (s Search) Find(ctx context.Context, tx bun.IDB, q string, limit int, visible func(*bun.SelectQuery) *bun.SelectQuery) ([]search.Hit, error) {
	const query = "websearch_to_tsquery('simple', ?)"
	sq := tx.NewSelect().TableExpr(s.From).ColumnExpr(s.Columns).
		ColumnExpr("ts_rank("+s.Doc+", "+query+") AS rank", q).
		ColumnExpr("ts_headline('simple', "+s.Text+", "+query+", ?) AS snippet", q, search.HeadlineOptions).
		Where(s.Doc+" @@ "+query, q)
	var rows []search.Row
	if err := visible(sq).OrderExpr("rank DESC, "+s.ID).Limit(int64(limit)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("search %s: %w", s.What, err)
	}
	return search.Hits(s.Kind, s.Prefix, rows), nil
}
