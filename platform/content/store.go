package content

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/scope"
)

// List returns the items v may see, newest first.
func (k *Kit[T, P]) List(ctx context.Context, tx bun.IDB, v scope.Viewer, limit int) ([]T, error) {
	var ts []T
	if err := k.newest(k.Select(tx, v, &ts), limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list %s: %w", k.Table, err)
	}
	return ts, nil
}

// ListAfter returns a page of the items v may see, newest first: at most
// size of them after cur, and the cursor of the next page ("" for none).
// The scope rules stay in the query, so that a page never holds what v may
// not see and a cursor only says where it starts.
func (k *Kit[T, P]) ListAfter(ctx context.Context, tx bun.IDB, v scope.Viewer, cur keyset.Cursor, size int) ([]T, string, error) {
	return k.listAfter(ctx, tx, v, cur, size, nil, k.Select)
}

// listAfter is ListAfter narrowed by where, its rows read by sel.
func (k *Kit[T, P]) listAfter(ctx context.Context, tx bun.IDB, v scope.Viewer, cur keyset.Cursor, size int, where Where,
	sel SelectFunc) ([]T, string, error) {
	var ts []T
	q := sel(tx, v, &ts)
	if where != nil {
		q = where(q)
	}
	if err := k.order().Page(q, cur, size).Scan(ctx); err != nil {
		return nil, "", fmt.Errorf("list %s: %w", k.Table, err)
	}
	ts, next := keyset.Cut(ts, size, k.Name, func(t *T) keyset.Cursor {
		b := P(t).Content()
		return keyset.Cursor{At: b.When(), ID: b.ID}
	})
	return ts, next, nil
}

// order is the order of a type's lists: newest first (publication, else
// creation: Base.When), then by id.
func (k *Kit[T, P]) order() keyset.Order {
	a := k.Alias
	return keyset.Order{Key: "coalesce(" + a + ".published_at, " + a + ".created_at)", ID: a + ".id", Desc: true}
}

// OfCommunity returns the items of community id that v may see, newest first.
func (k *Kit[T, P]) OfCommunity(ctx context.Context, tx bun.IDB, v scope.Viewer, id int64, limit int) ([]T, error) {
	var ts []T
	// @> rather than = ANY: the GIN index on scope_communities serves it.
	q := k.Select(tx, v, &ts).Where("?TableAlias.scope_kind = 'communities' AND ?TableAlias.scope_communities @> ARRAY[?]::bigint[]", id)
	if err := k.newest(q, limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("community %s: %w", k.Table, err)
	}
	return ts, nil
}

func (k *Kit[T, P]) newest(q *bun.SelectQuery, limit int) *bun.SelectQuery {
	return q.OrderExpr("coalesce(?TableAlias.published_at, ?TableAlias.created_at) DESC, ?TableAlias.id DESC").Limit(int64(limit))
}

// Get returns an item v may see (NotFound when there is none). Its
// statement goes prepared, the viewer's values and the id its
// parameters (Type.Select writes the viewer's values through v.P).
func (k *Kit[T, P]) Get(ctx context.Context, tx bun.IDB, v scope.Viewer, id int64) (P, error) {
	p := P(new(T))
	v.P = &db.Params{}
	err := k.Select(tx, v, p).Where("?TableAlias.id = ?", v.P.Arg(id)).Conn(db.Bound(tx, v.P)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, k.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", k.Name, err)
	}
	return p, nil
}

func (k *Kit[T, P]) insert(ctx context.Context, tx bun.IDB, p P) error {
	if _, err := tx.NewInsert().Model(p).Returning("id, created_at").Exec(ctx); err != nil {
		return fmt.Errorf("create %s: %w", k.Name, err)
	}
	return nil
}

// published stamps the first publication of an item and announces it.
func (k *Kit[T, P]) published(ctx context.Context, tx bun.IDB, id int64) error {
	p := P(new(T))
	err := tx.NewUpdate().Model(p).Set("published_at = coalesce(published_at, now())").Where("id = ?", id).
		Returning("id, title, author_id, scope_kind, scope_themes, scope_tags, scope_communities, scope_organizations, public").Scan(ctx)
	if err != nil {
		return fmt.Errorf("publish %s: %w", k.Name, err)
	}
	b := p.Content()
	if err := notify.Announce(ctx, tx, &notify.Event{ContentType: k.Name, ItemID: b.ID, Title: b.Title,
		URL: k.URL(b.ID), AuthorID: b.AuthorID, Scope: b.Scope}); err != nil {
		return err
	}
	if k.Published == nil {
		return nil
	}
	return k.Published(ctx, tx, b.ID)
}
