package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// The walls with BEGIN. A tenant transaction's walls (Enter) were its
// first statement, a round trip of their own after BEGIN's: two of a
// page's usual sixteen. The connections Open makes send them with BEGIN,
// in one message of the simple protocol ("begin; SELECT set_config(…)"),
// when the transaction is InTenant's. The settings are the same, local
// to the transaction; where BEGIN did not carry them (a connection of
// another driver, a savepoint of a transaction already open), InTenant
// sets them as before, so a tenant transaction never runs without them.

// beginKey marks the context of the BeginTx that opens a tenant
// transaction with its walls.
type beginKey struct{}

// walls is what a tenant transaction's BEGIN sets: query is the whole
// statement; sent says that a BeginTx took it and the transaction began
// with it. One BEGIN takes it (another, such as a transaction opened from
// inside this one with a context that still carries it, begins as any
// other); a BEGIN that fails gives it back, for database/sql's retry on
// another connection.
type walls struct {
	query string
	sent  atomic.Bool
}

// wallsFor is the BEGIN of a transaction in s, or nil when a name cannot
// be written as a literal here (InTenant then sets the walls on their
// own, with parameters).
func wallsFor(s Scope, generic bool) *walls {
	path, ok1 := literal(pgx.Identifier{s.Schema}.Sanitize())
	role, ok2 := literal(s.Role)
	if !ok1 || !ok2 {
		return nil
	}
	q := "begin; SELECT set_config('search_path', " + path + ", true), set_config('role', " + role + ", true)"
	if generic {
		q += ", set_config('plan_cache_mode', 'force_generic_plan', true)"
	}
	return &walls{query: q}
}

// literal is s as a string literal of SQL: quotes doubled; false for a
// backslash or a NUL (which no schema or role name of Piazza's holds), so
// that it reads the same whatever standard_conforming_strings says.
func literal(s string) (string, bool) {
	if strings.ContainsAny(s, "\\\x00") {
		return "", false
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'", true
}

// wallsError is a tenant transaction's walls refused by the database
// with its BEGIN (a role that does not exist): not a sign of a broken
// connection.
type wallsError struct{ err error }

func (e wallsError) Error() string { return e.err.Error() }
func (e wallsError) Unwrap() error { return e.err }

// pgxConn is the pgx driver's connection, named so that conn embeds it
// with its Conn method promoted.
type pgxConn = stdlib.Conn

// conn is a connection of the pgx driver whose BeginTx sends a tenant
// transaction's walls with BEGIN; everything else is the driver's.
type conn struct{ *pgxConn }

func (c conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	w, _ := ctx.Value(beginKey{}).(*walls)
	if w == nil || sql.IsolationLevel(opts.Isolation) != sql.LevelDefault || opts.ReadOnly || !w.sent.CompareAndSwap(false, true) {
		return c.pgxConn.BeginTx(ctx, opts)
	}
	pc := c.Conn()
	if pc.IsClosed() {
		w.sent.Store(false)
		return nil, driver.ErrBadConn
	}
	t, err := pc.BeginTx(ctx, pgx.TxOptions{BeginQuery: w.query})
	if err != nil {
		w.sent.Store(false)
		if !refused(pc, err) {
			return nil, err // the connection's own failure (a backend ended by the server says why first)
		}
		// BEGIN went and the database refused the walls: the transaction
		// is open and aborted. Ended here, the connection serves on; else
		// the driver's ResetSession drops it before its next use.
		_, _ = pc.Exec(ctx, "rollback")
		return nil, wallsError{err}
	}
	return tx{ctx: ctx, tx: t}, nil
}

// refused says whether err, from BEGIN with the walls, is the database
// refusing a statement on a sound connection (its transaction aborted),
// not the connection failing.
func refused(pc *pgx.Conn, err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && !pc.IsClosed() && pc.PgConn().TxStatus() == 'E'
}

// tx is a transaction conn began.
type tx struct {
	ctx context.Context
	tx  pgx.Tx
}

func (t tx) Commit() error   { return t.tx.Commit(t.ctx) }
func (t tx) Rollback() error { return t.tx.Rollback(t.ctx) }

// walledConnector makes conns of the pgx driver's connections.
type walledConnector struct{ driver.Connector }

func (c walledConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	if pc, ok := dc.(*stdlib.Conn); ok {
		return conn{pc}, nil
	}
	return dc, nil
}

// errWalls wraps a wallsError of s's transaction as Enter's would be.
func errWalls(s Scope, err error) error {
	if we := (wallsError{}); errors.As(err, &we) {
		return fmt.Errorf("enter tenant schema %s: %w", s.Schema, we.err)
	}
	return err
}
