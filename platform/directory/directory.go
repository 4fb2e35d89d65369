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
// for "").
func Theme(q *bun.SelectQuery, column, theme string) *bun.SelectQuery {
	if theme == "" {
		return q
	}
	return q.Where("? = ANY ("+column+")", theme)
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
// first, among those member uid may see: visible keeps them, with the
// viewer who reads (and any join it needs). Guests (uid 0) find nothing.
func Find[V any](ctx context.Context, tx bun.IDB, s Search, q string, uid int64, limit int,
	who func(context.Context, bun.IDB) (V, error), visible func(*bun.SelectQuery, V) *bun.SelectQuery) ([]search.Hit, error) {
	if uid == 0 {
		return nil, nil
	}
	v, err := who(ctx, tx)
	if err != nil {
		return nil, err
	}
	const query = "websearch_to_tsquery('simple', ?)"
	sq := tx.NewSelect().TableExpr(s.From).ColumnExpr(s.Columns).
		ColumnExpr("ts_rank("+s.Doc+", "+query+") AS rank", q).
		ColumnExpr("ts_headline('simple', "+s.Text+", "+query+", ?) AS snippet", q, search.HeadlineOptions).
		Where(s.Doc+" @@ "+query, q)
	var rows []search.Row
	if err := visible(sq, v).OrderExpr("rank DESC, "+s.ID).Limit(int64(limit)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("search %s: %w", s.What, err)
	}
	return search.Hits(s.Kind, s.Prefix, rows), nil
}
