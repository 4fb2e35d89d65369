package db

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
)

// One returns the row q selects as a new T (One gives q its model), or
// notFound when there is none: the store's sentinel, so that callers see
// their module's error and never sql.ErrNoRows.
func One[T any](ctx context.Context, q *bun.SelectQuery, notFound error) (*T, error) {
	v := new(T)
	err := q.Model(v).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// IsUnique reports whether err is a unique constraint's refusal: the row
// exists already, which stores answer with their module's "exists" error.
func IsUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
