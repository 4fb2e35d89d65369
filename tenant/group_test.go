package tenant_test

import (
	"context"
	"errors"
	"fmt"

	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
)

// Login groups: tenants fill groups of GroupSize roles; the main login role
// is a member of no tenant role and cannot take one; a group's connection
// takes the roles of its own tenants only, and reaches nothing by itself.
func TestLoginGroups(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	r := registryOn(t, d, tenant.Options{GroupSize: 2})
	a := mustCreate(t, r, "alpha", "Comune di Alpha")
	b := mustCreate(t, r, "beta", "Comune di Beta")
	c := mustCreate(t, r, "gamma", "Comune di Gamma")
	if a.LoginRole == "" || a.LoginRole != b.LoginRole || c.LoginRole == a.LoginRole || c.LoginRole == "" {
		t.Fatalf("groups: alpha %q, beta %q, gamma %q; want alpha and beta in one, gamma in another", a.LoginRole, b.LoginRole, c.LoginRole)
	}
	for _, tn := range []*tenant.Tenant{a, b, c} {
		err := db.InTenant(ctx, d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO users (email) VALUES (?)", "admin@"+tn.Slug+".example")
			return err
		})
		if err != nil {
			t.Fatalf("write in %s through its group: %v", tn.Slug, err)
		}
	}

	t.Run("the login role is a member of no tenant role and cannot take one", func(t *testing.T) {
		if n := count(t, d, "SELECT count(*) FROM pg_auth_members WHERE member = (SELECT oid FROM pg_roles WHERE rolname = current_user)"); n != 0 {
			t.Fatalf("the login role is a member of %d roles, want 0", n)
		}
		err := d.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return db.Enter(ctx, tx, a.Scope()) })
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("the login role taking alpha's role: %v, want permission denied", err)
		}
	})

	t.Run("a group's connection takes no role of another group", func(t *testing.T) {
		forged := c.Scope()
		forged.Login = a.LoginRole // gamma's schema and role, on alpha's group
		err := db.InTenant(ctx, d.DB, forged, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "SELECT email FROM users")
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("gamma on alpha's group: %v, want permission denied", err)
		}
	})

	t.Run("a group's connection reaches nothing by itself", func(t *testing.T) {
		pool, err := db.PoolFor(ctx, d.DB, a.Scope())
		if err != nil || pool == d.DB {
			t.Fatalf("alpha's pool: %v (the main pool: %v)", err, pool == d.DB)
		}
		for _, q := range []string{
			"SELECT count(*) FROM piazza.tenants",
			"SELECT count(*) FROM " + a.SchemaName + ".users",
			"SELECT count(*) FROM " + c.SchemaName + ".users",
		} {
			if _, err := pool.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "permission denied") {
				t.Errorf("%s on alpha's group outside a tenant transaction: %v, want permission denied", q, err)
			}
		}
		var login, inherit, super, createrole bool
		err = d.DB.QueryRowContext(ctx, "SELECT rolcanlogin, rolinherit, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = ?", a.LoginRole).
			Scan(&login, &inherit, &super, &createrole)
		if err != nil || !login || inherit || super || createrole {
			t.Fatalf("group role: login %v inherit %v super %v createrole %v (%v); want LOGIN NOINHERIT only", login, inherit, super, createrole, err)
		}
	})

	t.Run("purging a tenant frees its place in the group", func(t *testing.T) {
		if _, err := r.Delete(ctx, "beta"); err != nil {
			t.Fatal(err)
		}
		if err := r.Purge(ctx, "beta"); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, "SELECT members FROM piazza.login_groups WHERE role_name = '"+a.LoginRole+"'"); n != 1 {
			t.Fatalf("alpha's group has %d members after beta's purge, want 1", n)
		}
		if dl := mustCreate(t, r, "delta", "Comune di Delta"); dl.LoginRole != a.LoginRole {
			t.Fatalf("delta joined %q, want the group with room %q", dl.LoginRole, a.LoginRole)
		}
	})

	t.Run("spares join a group and keep it once claimed", func(t *testing.T) {
		if _, _, err := r.FillSpares(ctx, 1); err != nil {
			t.Fatal(err)
		}
		e := mustCreate(t, r, "epsilon", "Comune di Epsilon")
		if e.LoginRole == "" || strings.HasPrefix(e.SchemaName, "t_epsilon") {
			t.Fatalf("epsilon: schema %s, group %q; want a claimed spare in a group", e.SchemaName, e.LoginRole)
		}
		err := db.InTenant(ctx, d.DB, e.Scope(), func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO users (email) VALUES ('admin@epsilon.example')")
			return err
		})
		if err != nil {
			t.Fatalf("write in epsilon: %v", err)
		}
	})
}

// piazza migrate moves tenants made before groups: each joins a group,
// the login role gives their roles up (or keeps them with keepMain), their
// data is reached through the group, and a second run finds nothing to do.
func TestMoveToGroups(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	opts := tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test", GroupSize: 2}
	keyless, err := db.Open(ctx, d.URL, 2, nil) // a binary before groups provisions as they did
	if err != nil {
		t.Fatal(err)
	}
	defer keyless.Close()
	old, err := tenant.NewRegistry(ctx, keyless, opts)
	if err != nil {
		t.Fatal(err)
	}
	var made []*tenant.Tenant
	for _, s := range []string{"alpha", "beta", "gamma"} {
		tn := mustCreate(t, old, s, "Comune "+s)
		if tn.LoginRole != "" {
			t.Fatalf("%s joined %q without a key", s, tn.LoginRole)
		}
		err := db.InTenant(ctx, keyless, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO users (email) VALUES (?)", "admin@"+s+".example")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, tn)
	}
	memberOf := "SELECT count(*) FROM pg_auth_members WHERE member = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
	if n := count(t, d, memberOf); n != 3 {
		t.Fatalf("before the move the login role is a member of %d roles, want 3", n)
	}
	r, err := tenant.NewRegistry(ctx, d.DB, opts)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.MoveToGroups(ctx, true)
	if err != nil || m.Moved != 3 || m.Released != 0 {
		t.Fatalf("move keeping the login role's memberships: %+v, %v; want 3 moved, 0 released", m, err)
	}
	if n := count(t, d, memberOf); n != 3 {
		t.Fatalf("with keepMain the login role is a member of %d roles, want 3 still", n)
	}
	m, err = r.MoveToGroups(ctx, false)
	if err != nil || m.Moved != 0 || m.Released != 3 {
		t.Fatalf("second move: %+v, %v; want 0 moved, 3 released", m, err)
	}
	if n := count(t, d, memberOf); n != 0 {
		t.Fatalf("after the move the login role is a member of %d roles, want 0", n)
	}
	if m, err = r.MoveToGroups(ctx, false); err != nil || m != (tenant.GroupMove{}) {
		t.Fatalf("third move: %+v, %v; want nothing to do", m, err)
	}
	if n := count(t, d, "SELECT count(*) FROM piazza.login_groups"); n != 2 {
		t.Fatalf("%d login groups for 3 tenants of at most 2, want 2", n)
	}
	for _, tn := range made {
		tn, err := r.Get(ctx, tn.Slug)
		if err != nil || tn.LoginRole == "" {
			t.Fatalf("%s after the move: group %q, %v", tn.Slug, tn.LoginRole, err)
		}
		var email string
		err = db.InTenant(ctx, d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT email FROM users").Scan(&email)
		})
		if err != nil || email != "admin@"+tn.Slug+".example" {
			t.Fatalf("%s's user through its group: %q, %v", tn.Slug, email, err)
		}
		// A binary without the key enters it as the control plane does.
		err = db.InTenant(ctx, keyless, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT email FROM users").Scan(&email)
		})
		if err != nil || email != "admin@"+tn.Slug+".example" {
			t.Fatalf("%s's user without the key: %q, %v", tn.Slug, email, err)
		}
	}
	if n := count(t, d, memberOf); n != 0 {
		t.Fatalf("after keyless transactions the login role is a member of %d roles, want 0", n)
	}
}

// The groups' passwords derive from the servers' key: after it changed,
// a server with the new key is refused by the groups with a message
// saying what to run, and is let in once the passwords are set again.
func TestGroupPasswordsFollowTheKey(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	opts := tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"}
	r, err := tenant.NewRegistry(ctx, d.DB, opts)
	if err != nil {
		t.Fatal(err)
	}
	a := mustCreate(t, r, "alpha", "Comune di Alpha")
	rotated, err := db.Open(ctx, d.URL, 2, []byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	defer rotated.Close()
	users := func() error {
		return db.InTenant(ctx, rotated, a.Scope(), func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "SELECT count(*) FROM users")
			return err
		})
	}
	if err := users(); err == nil || !strings.Contains(err.Error(), "run `piazza migrate` with the new key") {
		t.Fatalf("entering alpha with a new key before migrate: %v, want the group refusing and saying what to run", err)
	}
	r2, err := tenant.NewRegistry(ctx, rotated, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := r2.ResetGroupPasswords(ctx); err != nil || n != 1 {
		t.Fatalf("reset: %d groups, %v; want 1", n, err)
	}
	if err := users(); err != nil {
		t.Fatalf("entering alpha with the new key after the reset: %v", err)
	}
}

func count(t *testing.T, d *dbtest.DB, q string) int {
	t.Helper()
	var n int
	if err := d.DB.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// Provisionings at once that find every group full make one group, not one
// each: 12 tenants, 6 at a time, in groups of 3 make 4 groups, all full.
func TestLoginGroupsFillUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	r := registryOn(t, d, tenant.Options{GroupSize: 3})
	errs := make(chan error, 12)
	for w := range 6 {
		go func() {
			for i := range 2 {
				_, err := r.Create(ctx, tenant.CreateParams{Slug: fmt.Sprintf("t%d-%d", w, i), Name: "Comune"})
				errs <- err
			}
		}()
	}
	for range 12 {
		if err := <-errs; err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) {
				t.Fatal(err, pe.Detail, pe.Where)
			}
			t.Fatal(err)
		}
	}
	if n := count(t, d, "SELECT count(*) FROM piazza.login_groups"); n != 4 {
		t.Fatalf("%d login groups for 12 tenants in groups of 3, want 4", n)
	}
	if n := count(t, d, "SELECT count(*) FROM piazza.login_groups WHERE members = 3"); n != 4 {
		t.Fatalf("%d full groups, want 4", n)
	}
}
