package db_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
)

// statements records the statements bun sends.
type statements struct {
	mu  sync.Mutex
	all []string
}

func (s *statements) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (s *statements) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	s.mu.Lock()
	s.all = append(s.all, e.Query)
	s.mu.Unlock()
}

// entered counts the statements that set a transaction's walls on their own.
func (s *statements) entered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, q := range s.all {
		if strings.Contains(q, "set_config('search_path'") {
			n++
		}
	}
	return n
}

// twoScopes makes two tenants' schemas and roles, each schema with a
// table naming its tenant, on d's login role.
func twoScopes(t *testing.T, d *dbtest.DB) (a, b db.Scope) {
	t.Helper()
	ctx := context.Background()
	for i, s := range []*db.Scope{&a, &b} {
		name := []string{"t_begin_a", "t_begin_b"}[i]
		*s = db.Scope{Schema: name, Role: name + "_role"}
		for _, q := range []string{
			"CREATE ROLE " + s.Role + " NOLOGIN",
			"GRANT " + s.Role + " TO CURRENT_USER",
			"CREATE SCHEMA " + s.Schema + " AUTHORIZATION " + s.Role,
		} {
			if _, err := d.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for _, q := range []string{
				"SET LOCAL ROLE " + s.Role,
				"CREATE TABLE " + s.Schema + ".who (name text)",
				"INSERT INTO " + s.Schema + ".who VALUES ('" + s.Schema + "')",
			} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

// where reads, in tx, the tenant whose table an unqualified name finds and
// the role the transaction runs as.
func where(ctx context.Context, t *testing.T, tx bun.IDB) (string, string) {
	t.Helper()
	var who, role string
	if err := tx.QueryRowContext(ctx, "SELECT (SELECT name FROM who), current_user").Scan(&who, &role); err != nil {
		t.Fatal(err)
	}
	return who, role
}

// TestWallsWithBegin: on Open's connections a tenant transaction's walls
// go with its BEGIN, and hold — no statement of their own is sent; where
// BEGIN cannot carry them (a transaction already open), they are set as
// before; a transaction opened inside one is not given its walls; walls
// the database refuses fail the transaction and leave its connection
// sound.
func TestWallsWithBegin(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	a, b := twoScopes(t, d)
	rec := &statements{}
	d.AddQueryHook(rec)

	for _, s := range []db.Scope{a, b, a} {
		err := db.InTenant(ctx, d.DB, s, func(ctx context.Context, tx bun.Tx) error {
			if who, role := where(ctx, t, tx); who != s.Schema || role != s.Role {
				t.Errorf("in %s's transaction: %s's table as %s", s.Schema, who, role)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := rec.entered(); n != 0 {
		t.Errorf("%d statements set walls on their own: BEGIN did not carry them", n)
	}

	// Inside a's transaction: b's on another connection has b's walls, and
	// a plain transaction of the pool none.
	err := db.InTenant(ctx, d.DB, a, func(ctx context.Context, tx bun.Tx) error {
		if err := db.InTenant(ctx, d.DB, b, func(ctx context.Context, inner bun.Tx) error {
			if who, role := where(ctx, t, inner); who != b.Schema || role != b.Role {
				t.Errorf("b's transaction inside a's: %s's table as %s", who, role)
			}
			return nil
		}); err != nil {
			return err
		}
		return d.RunInTx(ctx, nil, func(ctx context.Context, plain bun.Tx) error {
			var path, role string
			if err := plain.QueryRowContext(ctx, "SELECT current_setting('search_path'), current_user").Scan(&path, &role); err != nil {
				return err
			}
			if strings.Contains(path, a.Schema) || role == a.Role {
				t.Errorf("a plain transaction opened inside a's: search_path %q, role %s", path, role)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}

	// In a transaction already open, the walls are a statement of their own.
	err = d.RunInTx(ctx, nil, func(ctx context.Context, open bun.Tx) error {
		return db.InTenant(ctx, open, b, func(ctx context.Context, tx bun.Tx) error {
			if who, role := where(ctx, t, tx); who != b.Schema || role != b.Role {
				t.Errorf("b's transaction in one already open: %s's table as %s", who, role)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := rec.entered(); n != 1 {
		t.Errorf("%d statements set walls on their own, want the one of the transaction already open", n)
	}

	// Refused walls: an error naming the schema, and the only connection
	// of a pool of one still serves.
	one, err := db.Open(ctx, d.URL, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	before := backend(ctx, t, one, a)
	bad := db.Scope{Schema: a.Schema, Role: "t_begin_nobody"}
	err = db.InTenant(ctx, one, bad, func(context.Context, bun.Tx) error {
		t.Error("a transaction ran with walls the database refused")
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "enter tenant schema "+a.Schema) {
		t.Errorf("refused walls: %v", err)
	}
	err = db.InTenant(ctx, one, a, func(ctx context.Context, tx bun.Tx) error {
		if who, _ := where(ctx, t, tx); who != a.Schema {
			t.Errorf("after refused walls: %s's table", who)
		}
		return nil
	})
	if err != nil {
		t.Errorf("after refused walls, the connection fails: %v", err)
	}
	if after := backend(ctx, t, one, a); after != before {
		t.Errorf("after refused walls the pool's connection was replaced (backend %d, then %d)", before, after)
	}
}

// backend is the server process of the connection a transaction of s
// takes in p.
func backend(ctx context.Context, t *testing.T, p *bun.DB, s db.Scope) int {
	t.Helper()
	var pid int
	err := db.InTenant(ctx, p, s, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid)
	})
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// TestWallsEndedBackend: over TCP, where a backend the server ends tells
// why (an error) before its connection closes, a tenant's kept connection
// whose backend was ended is replaced, once, as any broken connection:
// the error is the connection's, not walls the database refused.
func TestWallsEndedBackend(t *testing.T) {
	ctx := context.Background()
	d := dbtest.NewTCP(t)
	a, _ := twoScopes(t, d)
	admin := d.Admin(t)
	first := backend(ctx, t, d.DB, a)
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend($1)", first); err != nil {
		t.Fatal(err)
	}
	for gone := false; !gone; {
		if err := admin.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)", first).Scan(&gone); err != nil {
			t.Fatal(err)
		}
	}
	if second := backend(ctx, t, d.DB, a); second == first { // fails the test if the transaction does
		t.Fatalf("the ended backend %d served again", first)
	}
}
