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
// role's default says.
func Open(ctx context.Context, url string, maxConns int) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", redact(err))
	}
	cfg.RuntimeParams["search_path"] = "pg_catalog"
	cfg.RuntimeParams["application_name"] = "piazza"
	// bun writes the arguments into the SQL text itself, so every statement
	// is new to the server: preparing and caching each would cost a round
	// trip and a server-side statement for nothing. Send them as they are.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	sqldb := stdlib.OpenDB(*cfg)
	if maxConns <= 0 {
		maxConns = 20
	}
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	bdb := bun.NewDB(sqldb, pgdialect.New())
	if err := checkLoginRole(ctx, bdb); err != nil {
		bdb.Close()
		return nil, err
	}
	return bdb, nil
}

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

// Scope names where a tenant's queries run: its schema and its role.
type Scope struct {
	Schema string
	Role   string
}

// InTenant runs fn in a transaction scoped to s: unqualified names resolve in
// the tenant's schema only, and the privileges are the tenant role's only.
// Both settings end with the transaction, so a pooled connection never
// carries a tenant over (and it works behind PgBouncer in transaction mode).
func InTenant(ctx context.Context, db bun.IDB, s Scope, fn func(ctx context.Context, tx bun.Tx) error) error {
	if s.Schema == "" || s.Role == "" {
		return errors.New("tenant transaction without a tenant")
	}
	return db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		if err := Enter(ctx, tx, s); err != nil {
			return err
		}
		return fn(ctx, tx)
	})
}

// Enter scopes an open transaction to s, until it ends.
func Enter(ctx context.Context, tx bun.Tx, s Scope) error {
	_, err := tx.ExecContext(ctx,
		"SELECT set_config('search_path', ?, true), set_config('role', ?, true)",
		pgx.Identifier{s.Schema}.Sanitize(), s.Role)
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

// InTenantTx runs fn inside an already open transaction scoped to s, then
// returns the transaction to the login role with no tenant on its path. The
// control plane uses it to touch a tenant's schema and its own registry in
// one transaction (provisioning, migrations).
func InTenantTx(ctx context.Context, tx bun.Tx, s Scope, fn func() error) error {
	if err := Enter(ctx, tx, s); err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	return Leave(ctx, tx)
}
