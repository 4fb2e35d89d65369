package db

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
)

// bun writes a statement's arguments into its text, so the server plans
// every statement anew. For the few statements that every page runs (the
// session, the viewer, the memberships, the inbox probe) planning costs
// several times running: on a region-sized tenant the inbox probe takes
// 0.7 ms to plan and 0.08 ms to run. QueryRow sends such a statement with
// its arguments as parameters through the connection's statement cache
// instead: it is prepared once per connection, planned for its parameters
// a few times and then generically, and the server plans it again whenever
// the transaction's schema (the tenant) is not the one of its plan, so a
// plan never crosses tenants.

// numbered holds each query's text with $1, $2 … for its ? placeholders.
var numbered sync.Map

// Prepared returns idb (a transaction, connection or pool of bun) as the
// connection of one bun query whose text holds $1, $2 … for args: bun
// builds the query and scans its rows, the statement goes prepared. The
// query's text must not depend on the arguments' values, and it names its
// columns (never *: a column that a migration adds would change the result
// of the statements already prepared, and tenants part-way through a
// rollout would differ).
//
//	tx.NewSelect().Conn(db.Prepared(tx, id)).Model(u).Where("id = $1").Scan(ctx)
func Prepared(idb bun.IDB, args ...any) bun.IConn {
	all := append([]any{pgx.QueryExecModeCacheStatement}, args...)
	return prepared{conn: sqlConn(idb), args: func() []any { return all }}
}

// prepared runs a bun query's text prepared with the arguments args
// gives when the query runs (Prepared, Bound).
type prepared struct {
	conn bun.IConn
	args func() []any
}

func (p prepared) QueryContext(ctx context.Context, query string, _ ...any) (*sql.Rows, error) {
	return p.conn.QueryContext(ctx, query, p.args()...)
}

func (p prepared) ExecContext(ctx context.Context, query string, _ ...any) (sql.Result, error) {
	return p.conn.ExecContext(ctx, query, p.args()...)
}

func (p prepared) QueryRowContext(ctx context.Context, query string, _ ...any) *sql.Row {
	return p.conn.QueryRowContext(ctx, query, p.args()...)
}

// sqlConn is the database/sql side of idb, where arguments reach the
// driver as parameters rather than through bun's formatting.
func sqlConn(idb bun.IDB) bun.IConn {
	switch d := idb.(type) {
	case bun.Tx:
		return d.Tx
	case *bun.Tx:
		return d.Tx
	case bun.Conn:
		return d.Conn
	case *bun.DB:
		return d.DB
	}
	return idb
}

// QueryRow runs the statement query, of fixed text and with plain ?
// placeholders for args, as a prepared statement in idb (a transaction,
// connection or pool of bun), and returns its row.
func QueryRow(ctx context.Context, idb bun.IDB, query string, args ...any) *sql.Row {
	q, ok := numbered.Load(query)
	if !ok {
		q, _ = numbered.LoadOrStore(query, Numbered(query))
	}
	return Prepared(idb, args...).QueryRowContext(ctx, q.(string))
}

// Numbered returns query with its ? placeholders numbered as PostgreSQL's
// parameters ($1, $2 …), leaving those inside quoted literals and names
// alone.
func Numbered(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
