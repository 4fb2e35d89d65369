package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EnsureDatabase makes sure the cluster has a login role and a database owned
// by it, as Piazza wants them (see platform/db: the login role is not a
// superuser, does not inherit, and may create the tenants' roles), and returns
// a connection string for that role. The role's password is kept in the
// cluster directory.
func (c *Cluster) EnsureDatabase(ctx context.Context, role, database string) (string, error) {
	pwPath := filepath.Join(c.opts.Dir, role+".password")
	password := ""
	if b, err := os.ReadFile(pwPath); err == nil {
		password = strings.TrimSpace(string(b))
	} else {
		password = randomHex(24)
		if err := os.WriteFile(pwPath, []byte(password+"\n"), 0o600); err != nil {
			return "", fmt.Errorf("write password: %w", err)
		}
	}
	conn, err := pgx.Connect(ctx, c.SuperuserURL("postgres"))
	if err != nil {
		return "", fmt.Errorf("connect to private cluster: %w", err)
	}
	defer conn.Close(ctx)
	if err := CreateLoginRole(ctx, conn, role, password); err != nil {
		return "", err
	}
	if err := CreateDatabase(ctx, conn, database, role); err != nil {
		return "", err
	}
	return c.URL(role, password, database), nil
}

// CreateLoginRole creates (or resets) a login role fit to run Piazza:
// NOINHERIT so that membership in tenant roles grants nothing until a
// tenant transaction sets the role, CREATEROLE to provision tenants, and a
// search_path naming no schema of any tenant.
func CreateLoginRole(ctx context.Context, conn *pgx.Conn, role, password string) error {
	id := pgx.Identifier{role}.Sanitize()
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", role).Scan(&exists); err != nil {
		return fmt.Errorf("look up role %s: %w", role, err)
	}
	if !exists {
		_, err := conn.Exec(ctx, "CREATE ROLE "+id+" LOGIN")
		var pgErr *pgconn.PgError
		if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "42710") { // created meanwhile
			return fmt.Errorf("create role %s: %w", role, err)
		}
	}
	stmts := []string{
		"ALTER ROLE " + id + " LOGIN NOSUPERUSER NOINHERIT CREATEROLE NOCREATEDB PASSWORD " + quoteLiteral(password),
		"ALTER ROLE " + id + " SET search_path = pg_catalog",
	}
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("configure role %s: %w", role, err)
		}
	}
	return nil
}

// CreateDatabase creates database owned by role unless it exists.
func CreateDatabase(ctx context.Context, conn *pgx.Conn, database, role string) error {
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", database).Scan(&exists); err != nil {
		return fmt.Errorf("look up database: %w", err)
	}
	if exists {
		return nil
	}
	_, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{database}.Sanitize()+" OWNER "+pgx.Identifier{role}.Sanitize())
	if err != nil {
		return fmt.Errorf("create database %s: %w", database, err)
	}
	return nil
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// StopIfIdle stops the server when no other client is connected to it, even
// if another process started it (adopt, for `piazza dev`), or only if this
// process started it. A server still in use by another piazza is left
// running. It holds the directory's lock meanwhile: a piazza starting on
// the same directory waits for the server to stop, then starts it again,
// rather than finding it running and losing it a moment later.
func (c *Cluster) StopIfIdle(ctx context.Context, adopt bool) (bool, error) {
	if c.hold != nil {
		c.hold.Close(ctx)
		c.hold = nil
	}
	if !c.started && !adopt {
		return false, nil
	}
	unlock, err := lockDir(c.opts.Dir)
	if err != nil {
		return false, err
	}
	defer unlock()
	conn, err := pgx.Connect(ctx, c.SuperuserURL("postgres"))
	if err != nil {
		return false, fmt.Errorf("check cluster clients: %w", err)
	}
	others, names, err := otherClients(ctx, conn)
	conn.Close(ctx)
	if err != nil {
		return false, fmt.Errorf("check cluster clients: %w", err)
	}
	if others > 0 {
		c.logf("PostgreSQL left running: %d other connections (%s)", others, names)
		return false, nil
	}
	c.started = true
	return true, c.Stop()
}

// otherClients counts the client connections other than conn: background
// workers and conn itself are not clients that keep the server in use. The
// backends of connections closed just before take a moment to exit, so it
// waits up to three seconds for the count to drop to zero, and names the
// applications of those that remain.
func otherClients(ctx context.Context, conn *pgx.Conn) (n int, names string, err error) {
	for i := 0; i < 60; i++ {
		err = conn.QueryRow(ctx, `SELECT count(*), coalesce(string_agg(DISTINCT coalesce(nullif(application_name, ''), 'unnamed'), ', '), '')
			FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`).Scan(&n, &names)
		if err != nil || n == 0 {
			return n, names, err
		}
		time.Sleep(50 * time.Millisecond)
	}
	return n, names, nil
}
