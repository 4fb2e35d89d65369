package tenant_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
)

// backend is the server process of the connection of a tenant
// transaction, with the transaction's role and search_path and how many
// users the tenant's table holds.
type backend struct {
	pid         int
	role, path  string
	users       int
	otherDenied bool
}

func inTenant(t *testing.T, pool *bun.DB, tn, other *tenant.Tenant) backend {
	t.Helper()
	var b backend
	err := db.InTenant(context.Background(), pool, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT pg_backend_pid(), current_user, current_setting('search_path'), (SELECT count(*) FROM users)").
			Scan(&b.pid, &b.role, &b.path, &b.users)
		if err != nil {
			return err
		}
		if other == nil {
			return nil
		}
		_, err = tx.ExecContext(ctx, "SAVEPOINT probe")
		if err == nil {
			_, err = tx.ExecContext(ctx, "SELECT count(*) FROM "+other.SchemaName+".users")
			b.otherDenied = err != nil && strings.Contains(err.Error(), "permission denied")
			_, err = tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT probe")
		}
		return err
	})
	if err != nil {
		t.Fatalf("%s's transaction: %v", tn.Slug, err)
	}
	return b
}

// A tenant's transactions go back to a connection of the same tenant when
// one is idle (its prepared statements' plans hold there), and a
// connection lent to another tenant carries nothing of the first across.
func TestTenantAffineConnections(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	a := mustCreate(t, r, "alpha", "Comune di Alpha")
	b := mustCreate(t, r, "beta", "Comune di Beta")
	c := mustCreate(t, r, "gamma", "Comune di Gamma")
	err := db.InTenant(ctx, d.DB, b.Scope(), func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO users (email) VALUES ('one@beta.example'), ('two@beta.example')")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("each tenant finds its own connection", func(t *testing.T) {
		a1 := inTenant(t, d.DB, a, nil)
		b1 := inTenant(t, d.DB, b, nil)
		a2 := inTenant(t, d.DB, a, nil)
		b2 := inTenant(t, d.DB, b, nil)
		if a1.pid == b1.pid {
			t.Fatalf("beta's transaction took alpha's idle connection (backend %d) while the pool had others", a1.pid)
		}
		if a2.pid != a1.pid || b2.pid != b1.pid {
			t.Fatalf("backends alpha %d then %d, beta %d then %d: want each tenant back on its own", a1.pid, a2.pid, b1.pid, b2.pid)
		}
	})

	// A pool of three connections keeps one for a tenant; while the
	// other two are taken, the kept one is lent to the other tenant and
	// back, and each transaction still sees only its own tenant.
	small, err := db.Open(ctx, d.URL, 3, bytes.Repeat([]byte{0xab}, 32))
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	group, err := db.PoolFor(ctx, small, a.Scope())
	if err != nil {
		t.Fatal(err)
	}
	// busy takes the group pool's two other connections while fn runs.
	busy := func(fn func()) {
		t.Helper()
		var conns []bun.Conn
		for range 2 {
			c, err := group.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		fn()
		for _, c := range conns {
			c.Close()
		}
	}

	t.Run("a lent connection keeps the walls", func(t *testing.T) {
		a1 := inTenant(t, small, a, b)
		var b1, a2 backend
		busy(func() { b1 = inTenant(t, small, b, a) })
		busy(func() { a2 = inTenant(t, small, a, b) })
		if a1.pid != b1.pid || b1.pid != a2.pid {
			t.Fatalf("backends %d, %d, %d: with the pool's other connections taken, the kept one should have been lent", a1.pid, b1.pid, a2.pid)
		}
		for _, c := range []struct {
			name string
			got  backend
			tn   *tenant.Tenant
			n    int
		}{{"alpha", a1, a, 0}, {"beta after alpha", b1, b, 2}, {"alpha after beta", a2, a, 0}} {
			if c.got.role != c.tn.RoleName || c.got.path != (pgx.Identifier{c.tn.SchemaName}).Sanitize() || c.got.users != c.n || !c.got.otherDenied {
				t.Errorf("%s: role %q, search_path %q, %d users, other tenant denied %v; want %q, %q, %d, true",
					c.name, c.got.role, c.got.path, c.got.users, c.got.otherDenied, c.tn.RoleName, c.tn.SchemaName, c.n)
			}
		}
	})

	t.Run("a transaction waiting for a full pool is served", func(t *testing.T) {
		inTenant(t, small, a, nil) // alpha's connection is kept
		busy(func() {
			// alpha's transaction on its kept connection: the pool's three
			// are taken, and beta's transaction waits
			inside, release := make(chan struct{}), make(chan struct{})
			alpha := make(chan error, 1)
			go func() {
				alpha <- db.InTenant(ctx, small, a.Scope(), func(context.Context, bun.Tx) error {
					close(inside)
					<-release
					return nil
				})
			}()
			<-inside
			beta := make(chan backend, 1)
			go func() { beta <- inTenant(t, small, b, nil) }()
			close(release)
			if err := <-alpha; err != nil {
				t.Fatal(err)
			}
			select {
			case got := <-beta:
				if got.role != b.RoleName {
					t.Errorf("beta's transaction ran as %q", got.role)
				}
			case <-time.After(time.Minute): // a deadlock, not a slow machine, would take this long
				t.Fatal("beta's transaction still waits for the pool after alpha's ended")
			}
		})
	})

	t.Run("kept connections leave room in the pool", func(t *testing.T) {
		for _, tn := range []*tenant.Tenant{a, b, c} {
			inTenant(t, small, tn, nil)
		}
		// a deadlock, not a slow machine, would take this long
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		var conns []bun.Conn
		for range 2 {
			c, err := group.Conn(ctx)
			if err != nil {
				t.Fatalf("a connection of a pool of 3 after tenant transactions: %v", err)
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Close()
		}
	})

	t.Run("a kept connection the server closed is replaced", func(t *testing.T) {
		a1 := inTenant(t, d.DB, a, nil)
		admin := d.Admin(t)
		if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend($1)", a1.pid); err != nil {
			t.Fatal(err)
		}
		dbtest.WaitFor(t, "the backend to end", func() bool {
			var n int
			_ = admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", a1.pid).Scan(&n)
			return n == 0
		})
		a2 := inTenant(t, d.DB, a, nil)
		if a2.pid == a1.pid {
			t.Fatalf("backend %d still serves after it ended", a1.pid)
		}
	})

	t.Run("a tenant keeps one connection, not every place", func(t *testing.T) {
		own, err := db.Open(ctx, d.URL, 4, bytes.Repeat([]byte{0xab}, 32)) // two kept at most
		if err != nil {
			t.Fatal(err)
		}
		defer own.Close()
		// two transactions of alpha at once, on two connections
		err = db.InTenant(ctx, own, a.Scope(), func(ctx context.Context, _ bun.Tx) error {
			return db.InTenant(ctx, own, a.Scope(), func(context.Context, bun.Tx) error { return nil })
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, idle := db.AffineStats(own); idle != 1 {
			t.Fatalf("alpha has %d connections kept, want 1", idle)
		}
		inTenant(t, own, b, nil)
		same, _, _, _ := db.AffineStats(own)
		inTenant(t, own, b, nil)
		if again, _, _, _ := db.AffineStats(own); again != same+1 {
			t.Fatal("beta's second transaction found no connection kept for it")
		}
	})

	t.Run("a cap on kept connections holds, and none is a plain pool", func(t *testing.T) {
		for _, k := range []struct{ cap, kept int }{{1, 1}, {0, 0}, {10, 2}} { // 10: never above the default
			own, err := db.Open(ctx, d.URL, 4, bytes.Repeat([]byte{0xab}, 32), db.KeptConns(k.cap))
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				for _, tn := range []*tenant.Tenant{a, b, c} {
					inTenant(t, own, tn, nil)
				}
			}
			if _, _, _, idle := db.AffineStats(own); idle != k.kept {
				t.Errorf("cap %d: %d connections kept, want %d", k.cap, idle, k.kept)
			}
			own.Close()
		}
	})

	t.Run("closing the pool closes its kept connections", func(t *testing.T) {
		own, err := db.Open(ctx, d.URL, 4, bytes.Repeat([]byte{0xab}, 32))
		if err != nil {
			t.Fatal(err)
		}
		a1 := inTenant(t, own, a, nil)
		b1 := inTenant(t, own, b, nil)
		if same, _, _, idle := db.AffineStats(own); idle != 2 || same != 0 {
			t.Fatalf("kept idle %d, same-tenant reuses %d; want 2 and 0", idle, same)
		}
		own.Close()
		admin := d.Admin(t)
		dbtest.WaitFor(t, "the kept connections to close", func() bool {
			var n int
			_ = admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid IN ($1, $2)", a1.pid, b1.pid).Scan(&n)
			return n == 0
		})
	})
}

// The connections kept for tenants stay within one budget over the main
// pool and every login group's pool: three tenants in three groups, on a
// pool of four whose budget is two, keep two.
func TestKeptConnectionsShareOneBudget(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	r := registryOn(t, d, tenant.Options{GroupSize: 1})
	var tns []*tenant.Tenant
	logins := map[string]bool{}
	for _, slug := range []string{"alpha", "beta", "gamma"} {
		tn := mustCreate(t, r, slug, slug)
		tns = append(tns, tn)
		logins[tn.Scope().Login] = true
	}
	if len(logins) != 3 {
		t.Fatalf("the tenants are in %d login groups, want 3", len(logins))
	}
	own, err := db.Open(ctx, d.URL, 4, bytes.Repeat([]byte{0xab}, 32))
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	for _, tn := range tns {
		inTenant(t, own, tn, nil)
	}
	if _, _, _, idle := db.AffineStats(own); idle != 2 {
		t.Fatalf("%d connections kept over three groups' pools, want the budget's 2", idle)
	}
}
