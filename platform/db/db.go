// Package db opens Piazza's PostgreSQL pool (bun over pgx) and runs tenant
// code inside tenant-scoped transactions, the two walls of tenant isolation:
// the transaction sets search_path to the tenant's schema and role to the
// tenant's role, both local to the transaction.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// ErrLoginRole means the login role would bypass tenant isolation.
var ErrLoginRole = errors.New("database login role unfit for tenant isolation")

// Open connects to url and checks that the login role keeps the walls up.
// Every connection starts with a search_path naming no tenant, whatever the
// role's default says. groupKey is what the login groups' passwords derive
// from (PIAZZA_SECRET_KEY); without it, a tenant in a group is entered on
// this pool as the control plane enters it (see InTenant).
func Open(ctx context.Context, url string, maxConns int, groupKey []byte, opts ...Option) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", redact(err))
	}
	cfg.RuntimeParams["search_path"] = "pg_catalog"
	cfg.RuntimeParams["application_name"] = "piazza"
	// No just-in-time compilation, whatever the server's default: it pays
	// for queries that read millions of rows, and Piazza's read dozens. A
	// statement whose estimates pass jit_above_cost (a walk of a table's
	// newest rows whose condition the planner cannot weigh, estimated as
	// the whole table) spent 65 ms compiling to run in 3.
	cfg.RuntimeParams["jit"] = "off"
	// bun writes the arguments into the SQL text itself, so every statement
	// is new to the server: preparing and caching each would cost a round
	// trip and a server-side statement for nothing. Send them as they are.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	if maxConns <= 0 {
		maxConns = 20
	}
	ps := &pools{cfg: cfg.Copy(), key: groupKey, maxConns: maxConns, open: map[string]*bun.DB{}}
	c := &connector{Connector: walledConnector{stdlib.GetConnector(*cfg)}, pools: ps}
	sqldb := sql.OpenDB(c)
	c.main = sqldb
	registry.Store(sqldb, ps)
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	bdb := bun.NewDB(sqldb, pgdialect.New())
	if err := checkLoginRole(ctx, bdb); err != nil {
		bdb.Close()
		return nil, err
	}
	o := options{kept: -1}
	for _, set := range opts {
		set(&o)
	}
	ps.budget = budgetFor(maxConns, o.kept)
	ps.main = keepByTenant(bdb, ps.budget)
	return bdb, nil
}

// Option is a setting of Open.
type Option func(*options)

// options are Open's settings: kept caps the connections kept one per
// tenant (-1: the default).
type options struct{ kept int }

// KeptConns caps at n the connections kept one per tenant (see affine):
// fewer kept backends, each holding its tenant's catalogs and plans, for
// more planning on the others; 0 keeps none, and the pool is a plain one.
// The cap never raises the default, three quarters of the pool.
func KeptConns(n int) Option { return func(o *options) { o.kept = max(n, 0) } }

// redact keeps the connection string (it may hold a password) out of errors.
func redact(error) error {
	return errors.New("not a valid PostgreSQL connection string")
}

func checkLoginRole(ctx context.Context, db *bun.DB) error {
	var super, inherit bool
	var name string
	err := db.QueryRowContext(ctx,
		"SELECT rolname, rolsuper, rolinherit FROM pg_roles WHERE rolname = current_user").
		Scan(&name, &super, &inherit)
	if err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}
	switch {
	case super:
		return fmt.Errorf("%w: %s is a superuser, which would read every tenant's data; connect as an ordinary role (CREATE ROLE piazza LOGIN NOINHERIT CREATEROLE)", ErrLoginRole, name)
	case inherit:
		return fmt.Errorf("%w: %s inherits privileges, so it would hold every tenant's rights at once; run: ALTER ROLE %s NOINHERIT", ErrLoginRole, name, pgx.Identifier{name}.Sanitize())
	}
	return nil
}

// Scope names where a tenant's queries run: its schema and its role, and
// the login group whose connections may take that role ("" for a tenant
// not yet moved to a group by `piazza migrate`: the main login role is then
// a member of its role).
type Scope struct {
	Schema string
	Role   string
	Login  string
}

// InTenant runs fn in a transaction scoped to s: unqualified names resolve in
// the tenant's schema only, and the privileges are the tenant role's only.
// Both settings end with the transaction, so a pooled connection never
// carries a tenant over (and it works behind PgBouncer in transaction mode).
func InTenant(ctx context.Context, db bun.IDB, s Scope, fn func(ctx context.Context, tx bun.Tx) error) error {
	if s.Schema == "" || s.Role == "" {
		return errors.New("tenant transaction without a tenant")
	}
	if p, ok := db.(*bun.DB); ok && s.Login != "" {
		ps := poolsOf(p)
		if ps == nil || len(ps.key) == 0 {
			// No key for the group's password (a command run without
			// PIAZZA_SECRET_KEY): the main login role takes the tenant's
			// role for this transaction only, as the control plane does.
			return p.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
				return InTenantTx(ctx, tx, s, func() error { return fn(inside(ctx), tx) })
			})
		}
		g, err := ps.group(ctx, s.Login)
		if err != nil {
			return err
		}
		db = g
	}
	// The walls go with BEGIN on Open's connections (see walls), else
	// as the transaction's first statement.
	w := wallsFor(s, generic(ctx))
	run := func(ctx context.Context, tx bun.Tx) error {
		if w == nil || !w.sent.Load() {
			if err := Enter(ctx, tx, s); err != nil {
				return err
			}
		}
		return fn(inside(ctx), tx)
	}
	ctx = context.WithValue(ctx, beginKey{}, w) // nil too: none of an outer transaction's
	if p, ok := db.(*bun.DB); ok {
		if a := affineOf(p); a != nil {
			return errWalls(s, a.run(ctx, s.Schema, run)) // a connection of the tenant's, if one is idle
		}
	}
	return errWalls(s, db.RunInTx(ctx, &sql.TxOptions{}, run))
}

// Enter scopes an open transaction to s, until it ends.
func Enter(ctx context.Context, tx bun.Tx, s Scope) error {
	q := "SELECT set_config('search_path', ?, true), set_config('role', ?, true)"
	if generic(ctx) {
		q += ", set_config('plan_cache_mode', 'force_generic_plan', true)"
	}
	_, err := tx.ExecContext(ctx, q, pgx.Identifier{s.Schema}.Sanitize(), s.Role)
	if err != nil {
		return fmt.Errorf("enter tenant schema %s: %w", s.Schema, err)
	}
	return nil
}

// Leave drops the tenant's role and schema inside an open transaction, back to
// the login role (used by the control plane after migrating a tenant).
func Leave(ctx context.Context, tx bun.Tx) error {
	_, err := tx.ExecContext(ctx, "SELECT set_config('role', 'none', true), set_config('search_path', 'pg_catalog', true)")
	return err
}

// InTenantTx runs fn inside an already open transaction of the main login
// role scoped to s, then returns the transaction to the login role with no
// tenant on its path. The control plane uses it to touch a tenant's schema
// and its own registry in one transaction (provisioning, migrations). For a
// tenant in a login group, the login role is granted the tenant's role
// first and revoked it after, in tx: its own membership list stays short,
// and outside such a transaction it cannot take a tenant's role. When fn
// fails, tx must be rolled back (the grant goes with it). A membership the
// login role already had (a tenant moved to a group by `piazza migrate
// --keep-main-role`, for the servers of the release before) is left alone.
func InTenantTx(ctx context.Context, tx bun.Tx, s Scope, fn func() error) error {
	role := pgx.Identifier{s.Role}.Sanitize()
	grant := false
	if s.Login != "" {
		if err := tx.QueryRowContext(ctx, "SELECT NOT pg_has_role(current_user, ?, 'MEMBER')", s.Role).Scan(&grant); err != nil {
			return fmt.Errorf("enter tenant schema %s: %w", s.Schema, err)
		}
	}
	if grant {
		if _, err := tx.ExecContext(ctx, "GRANT "+role+" TO CURRENT_USER"); err != nil {
			return fmt.Errorf("take the role of tenant schema %s: %w", s.Schema, err)
		}
	}
	if err := Enter(ctx, tx, s); err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	if err := Leave(ctx, tx); err != nil {
		return err
	}
	if grant {
		if _, err := tx.ExecContext(ctx, "REVOKE "+role+" FROM CURRENT_USER"); err != nil {
			return fmt.Errorf("give back the role of tenant schema %s: %w", s.Schema, err)
		}
	}
	return nil
}

type genericKey struct{}

// Generic marks the tenant transaction that InTenant opens with ctx as
// reading through plans for any values: each prepared statement (Prepared,
// Bound, QueryRow) is planned once per connection, never again for its
// values. The mark is not passed on to the transaction's function, so a
// transaction opened from there plans as any other.
// For transactions whose statements find rows by keys (an item's page:
// the item, its comments, files, history), where PostgreSQL otherwise
// plans again on every run any statement whose plan for any values it
// costs above the plans for its values, although the two are the same
// index reads.
func Generic(ctx context.Context) context.Context { return context.WithValue(ctx, genericKey{}, true) }

func generic(ctx context.Context) bool { v, _ := ctx.Value(genericKey{}).(bool); return v }

// inside is ctx for the function of a transaction: without the mark of
// Generic. (The walls of its BEGIN, which ctx still carries, went with
// that BEGIN only: see walls.)
func inside(ctx context.Context) context.Context {
	if generic(ctx) {
		return context.WithValue(ctx, genericKey{}, false)
	}
	return ctx
}
