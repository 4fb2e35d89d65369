package tenant_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/piazza-pa/piazza/migrations"
	"github.com/piazza-pa/piazza/tenant"
)

// withMigration returns the embedded tenant migrations plus one more, named
// NNNN_name.sql after the newest; it returns that version too.
func withMigration(t *testing.T, name, sql string) (fs.FS, int) {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(migrations.Tenant(), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.Tenant(), p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	next := len(m) + 1
	m[fmt.Sprintf("%04d_%s.sql", next, name)] = &fstest.MapFile{Data: []byte(sql)}
	return m, next
}

func TestMigrateAll(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	for _, s := range []string{"alpha", "beta", "gamma", "delta"} {
		mustCreate(t, r, s, strings.ToUpper(s))
	}
	if _, err := r.Delete(ctx, "delta"); err != nil { // restorable, so migrated too
		t.Fatal(err)
	}
	admin := d.Admin(t)
	// beta's schema has drifted: the new migration will fail there.
	if _, err := admin.Exec(ctx, "CREATE TABLE t_beta.bookmarks (id int)"); err != nil {
		t.Fatal(err)
	}
	fsys, v := withMigration(t, "bookmarks", "CREATE TABLE bookmarks (id bigint PRIMARY KEY, url text NOT NULL);")
	next, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{
		BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test", Migrations: fsys,
	})
	if err != nil {
		t.Fatal(err)
	}
	var last [2]int
	rep, err := next.MigrateAll(ctx, 3, func(done, total int) { last = [2]int{done, total} })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Tenants != 4 || rep.Pending != 4 || rep.Migrated != 3 || len(rep.Failures) != 1 || last != [2]int{4, 4} {
		t.Fatalf("report %+v, last progress %v", rep, last)
	}
	if f := rep.Failures[0]; f.Slug != "beta" || !strings.Contains(f.Err.Error(), "already exists") || !strings.Contains(f.Err.Error(), fmt.Sprintf("%04d_bookmarks", v)) {
		t.Fatalf("failure %s: %v", f.Slug, f.Err)
	}
	versions := func() map[string]int {
		rows, err := admin.Query(ctx, "SELECT slug, schema_version FROM piazza.tenants")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		v := map[string]int{}
		for rows.Next() {
			var s string
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				t.Fatal(err)
			}
			v[s] = n
		}
		return v
	}
	if got := versions(); got["alpha"] != v || got["gamma"] != v || got["delta"] != v || got["beta"] != v-1 {
		t.Fatalf("versions after a partial rollout: %v, want %d (beta %d)", got, v, v-1)
	}
	var applied int
	if err := admin.QueryRow(ctx, "SELECT max(version) FROM t_beta.schema_migrations").Scan(&applied); err != nil || applied != v-1 {
		t.Fatalf("beta's own record: %d %v, want %d (rolled back)", applied, err, v-1)
	}

	// Fixed by hand, a second run resumes with beta alone.
	if _, err := admin.Exec(ctx, "DROP TABLE t_beta.bookmarks"); err != nil {
		t.Fatal(err)
	}
	rep, err = next.MigrateAll(ctx, 3, nil)
	if err != nil || rep.Pending != 1 || rep.Migrated != 1 || len(rep.Failures) != 0 {
		t.Fatalf("resume: %+v %v", rep, err)
	}
	// Nothing left: a no-op, and two at once do not trip over each other.
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := next.MigrateAll(ctx, 2, nil)
			if err != nil || rep.Pending != 0 || len(rep.Failures) != 0 {
				t.Errorf("no-op run: %+v %v", rep, err)
			}
		}()
	}
	wg.Wait()
	// A tenant provisioned by the newer binary starts at the newest version.
	if tn := mustCreate(t, next, "epsilon", "Epsilon"); tn.SchemaVersion != v {
		t.Fatalf("new tenant at version %d", tn.SchemaVersion)
	}
}

// Two rollouts racing over the same tenants apply each migration once.
func TestMigrateAllConcurrent(t *testing.T) {
	ctx := context.Background()
	r, d := newRegistry(t)
	for _, s := range []string{"uno", "due", "tre", "quattro", "cinque"} {
		mustCreate(t, r, s, s)
	}
	fsys, v := withMigration(t, "labels", "CREATE TABLE test_labels (name text PRIMARY KEY);")
	next, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{
		BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test", Migrations: fsys,
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := next.MigrateAll(ctx, 4, nil)
			if err != nil || len(rep.Failures) != 0 {
				t.Errorf("%+v %v", rep, err)
			}
		}()
	}
	wg.Wait()
	var rows int
	if err := d.Admin(t).QueryRow(ctx, "SELECT count(*) FROM t_uno.schema_migrations WHERE version = $1", v).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("version %d recorded %d times (%v)", v, rows, err)
	}
}
