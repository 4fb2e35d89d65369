package tenant_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/tenant"
)

// The two walls: inside tenant A's transaction nothing of B can be read or
// written, even naming B's schema; outside any tenant transaction no tenant
// table can be reached; a pooled connection carries nothing of A afterwards.
func TestIsolation(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	a := mustCreate(t, r, "alpha", "Comune di Alpha")
	b := mustCreate(t, r, "beta", "Comune di Beta")
	err := db.InTenant(ctx, d.DB, b.Scope(), func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO users (email) VALUES ('secret@beta.example')")
		return err
	})
	if err != nil {
		t.Fatalf("write in own tenant: %v", err)
	}

	t.Run("A cannot read or write B naming B's schema", func(t *testing.T) {
		for _, q := range []string{
			"SELECT email FROM " + b.SchemaName + ".users",
			"INSERT INTO " + b.SchemaName + ".users (email) VALUES ('x@alpha.example')",
			"UPDATE " + b.SchemaName + ".settings SET value = 'true'",
			"DELETE FROM " + b.SchemaName + ".users",
			"CREATE TABLE " + b.SchemaName + ".planted (id int)",
			"DROP TABLE " + b.SchemaName + ".users",
			"SELECT count(*) FROM piazza.tenants",
		} {
			err := db.InTenant(ctx, d.DB, a.Scope(), func(ctx context.Context, tx bun.Tx) error {
				_, err := tx.ExecContext(ctx, q)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), "permission denied") {
				t.Errorf("%s: got %v, want permission denied", q, err)
			}
		}
	})

	t.Run("A sees only its own rows", func(t *testing.T) {
		var n int
		err := db.InTenant(ctx, d.DB, a.Scope(), func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n)
		})
		if err != nil || n != 0 {
			t.Fatalf("A's users: n=%d err=%v, want 0 rows", n, err)
		}
	})

	t.Run("no tenant transaction reaches no tenant table", func(t *testing.T) {
		for _, q := range []string{
			"SELECT count(*) FROM users",
			"SELECT count(*) FROM " + a.SchemaName + ".users",
			"SELECT count(*) FROM " + b.SchemaName + ".users",
			"INSERT INTO " + b.SchemaName + ".users (email) VALUES ('x@nowhere.example')",
		} {
			_, err := d.DB.ExecContext(ctx, q)
			if err == nil {
				t.Errorf("%s outside a tenant transaction succeeded", q)
			}
		}
		err := tenant.Tx(ctx, d.DB, func(ctx context.Context, tx bun.Tx) error { return nil })
		if err == nil {
			t.Error("tenant.Tx without a tenant in the context succeeded")
		}
	})

	t.Run("a pooled connection carries nothing of A", func(t *testing.T) {
		pool, err := db.PoolFor(ctx, d.DB, a.Scope()) // A's login group
		if err != nil {
			t.Fatal(err)
		}
		conn, err := pool.Conn(ctx) // the same physical connection throughout
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		err = conn.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := db.Enter(ctx, tx, a.Scope()); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ('site.motto', '\"a\"')")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var role, path string
		if err := conn.QueryRowContext(ctx, "SELECT current_user, current_setting('search_path')").Scan(&role, &path); err != nil {
			t.Fatal(err)
		}
		if role == a.RoleName || strings.Contains(path, a.SchemaName) {
			t.Fatalf("after A's transaction: role %q, search_path %q", role, path)
		}
		if _, err := conn.ExecContext(ctx, "SELECT * FROM settings"); err == nil {
			t.Fatal("unqualified tenant table readable after A's transaction")
		}
		// A failed transaction must not leave A behind either.
		_ = conn.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			_ = db.Enter(ctx, tx, a.Scope())
			_, err := tx.ExecContext(ctx, "SELECT 1/0")
			return err
		})
		if err := conn.QueryRowContext(ctx, "SELECT current_user, current_setting('search_path')").Scan(&role, &path); err != nil {
			t.Fatal(err)
		}
		if role == a.RoleName || strings.Contains(path, a.SchemaName) {
			t.Fatalf("after A's failed transaction: role %q, search_path %q", role, path)
		}
	})
}

// The login role itself is refused when it would bypass the walls.
func TestOpenRefusesUnfitLoginRole(t *testing.T) {
	ctx := context.Background()
	_, d := newRegistry(t)
	admin := d.Admin(t)
	var login string
	if err := d.DB.QueryRowContext(ctx, "SELECT current_user").Scan(&login); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "ALTER ROLE "+login+" INHERIT"); err != nil {
		t.Fatal(err)
	}
	_, err := db.Open(ctx, d.URL, 1, nil)
	if err == nil || !strings.Contains(err.Error(), "NOINHERIT") {
		t.Fatalf("inheriting login role: got %v, want a refusal naming NOINHERIT", err)
	}
	if _, err := db.Open(ctx, d.AdminURL, 1, nil); err == nil || !strings.Contains(err.Error(), "superuser") {
		t.Fatalf("superuser login: got %v, want a refusal", err)
	}
}
