package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
	"github.com/uptrace/bun"
)

// BenchmarkAtScale measures, over 200, 1,000 and 10,000 provisioned tenants (fsync
// on), `piazza migrate` with nothing to do — run in-process: connection,
// control-schema check, the bulk look-up of the tenants behind — the
// provisioning of one more tenant, from scratch and from a spare (made off
// the clock), the first tenant transaction on a new connection of a login
// group, and a tenant transaction on an open connection of a group right
// after a provisioning (made off the clock): the stall a provisioning
// causes (median and p99 reported). Setting up the tenants takes several
// minutes (with fsync off during the set-up only: fsync is back on and a
// CHECKPOINT done before anything is timed); one size alone:
// -bench 'AtScale//tenants=1000$'.
//
//	go test ./cmd/piazza -run '^$' -bench AtScale -benchtime 5x -timeout 60m
func BenchmarkAtScale(b *testing.B) {
	parent := b
	for _, n := range []int{200, 1000, 10000} {
		var d *dbtest.DB
		var r *tenant.Registry
		// The testing package calls each function more than once (b.N = 1
		// first): provision once, on the parent, which outlives the calls.
		setup := func(b *testing.B) {
			if d != nil {
				return
			}
			d = dbtest.NewDurable(parent)
			var err error
			r, err = tenant.NewRegistry(context.Background(), d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
			if err != nil {
				b.Fatal(err)
			}
			durability(b, d, false)
			provisionMany(b, r, n)
			durability(b, d, true)
		}
		b.Run(fmt.Sprintf("migrate-noop/tenants=%d", n), func(b *testing.B) {
			setup(b)
			b.Setenv("PIAZZA_DATABASE_URL", d.URL)
			b.Setenv("PIAZZA_SECRET_KEY", strings.Repeat("ab", 32))
			b.Setenv("PIAZZA_SPARE_SCHEMAS", "0") // nothing to make: the no-op
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, stderr, err := run(b, "", "migrate"); err != nil {
					b.Fatalf("%v\n%s", err, stderr)
				}
			}
		})
		for _, spare := range []bool{false, true} {
			name := "provision"
			if spare {
				name = "provision-spare"
			}
			b.Run(fmt.Sprintf("%s/tenants=%d", name, n), func(b *testing.B) {
				setup(b)
				ctx := context.Background()
				if _, _, err := r.FillSpares(ctx, 0); err != nil { // none left over for the path from scratch
					b.Fatal(err)
				}
				tenanttest.Provisions(b, r, spare, func(i int) string { return fmt.Sprintf("%s-%d-%d", name, b.N, i) })
			})
		}
		b.Run(fmt.Sprintf("first-set-role/tenants=%d", n), func(b *testing.B) {
			setup(b)
			firstSetRole(b, d, r)
		})
		b.Run(fmt.Sprintf("tx-after-provision/tenants=%d", n), func(b *testing.B) {
			setup(b)
			txAfterProvision(b, d, r)
		})
	}
}

// firstSetRole times, on new connections of the first tenant's login
// group, the first tenant transaction (BEGIN, set_config of search_path
// and role, COMMIT): the backend builds its list of role memberships then.
func firstSetRole(b *testing.B, d *dbtest.DB, r *tenant.Registry) {
	ctx := context.Background()
	tn, pool := groupPool(b, d, r)
	pool.SetMaxIdleConns(0) // every connection is new
	defer pool.SetMaxIdleConns(2)
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		conn, err := pool.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		err = db.InTenant(ctx, conn, tn.Scope(), func(context.Context, bun.Tx) error { return nil })
		times = append(times, time.Since(start))
		b.StopTimer()
		conn.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	tenanttest.ReportTimes(b, times)
}

// txAfterProvision times a tenant transaction (reading a row of the
// tenant's users) on an open, already used connection of the first
// tenant's login group, right after another tenant is provisioned off the
// clock: the membership list the connection rebuilds then is its group's.
func txAfterProvision(b *testing.B, d *dbtest.DB, r *tenant.Registry) {
	ctx := context.Background()
	tn, pool := groupPool(b, d, r)
	conn, err := pool.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	read := func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "SELECT id FROM users LIMIT 1")
		return err
	}
	if err := db.InTenant(ctx, conn, tn.Scope(), read); err != nil {
		b.Fatal(err)
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := r.Create(ctx, tenant.CreateParams{Slug: fmt.Sprintf("stall-%d-%d", b.N, i), Name: "Bench"}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		err := db.InTenant(ctx, conn, tn.Scope(), read)
		times = append(times, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	tenanttest.ReportTimes(b, times)
}

// groupPool returns the first tenant and its login group's pool.
func groupPool(b *testing.B, d *dbtest.DB, r *tenant.Registry) (*tenant.Tenant, *bun.DB) {
	ctx := context.Background()
	tn, err := r.Get(ctx, "t00001")
	if err != nil {
		b.Fatal(err)
	}
	if tn.LoginRole == "" {
		b.Fatal("the first tenant is in no login group")
	}
	pool, err := db.PoolFor(ctx, d.DB, tn.Scope())
	if err != nil {
		b.Fatal(err)
	}
	return tn, pool
}

// durability turns fsync and synchronous_commit off for the set-up of
// many tenants (on the benchmarks' own cluster), and back on with a
// CHECKPOINT before anything is timed.
func durability(b *testing.B, d *dbtest.DB, on bool) {
	ctx := context.Background()
	admin := d.Admin(b)
	stmts := []string{"ALTER SYSTEM SET fsync = off", "ALTER SYSTEM SET synchronous_commit = off", "SELECT pg_reload_conf()"}
	if on {
		stmts = []string{"ALTER SYSTEM RESET fsync", "ALTER SYSTEM RESET synchronous_commit", "SELECT pg_reload_conf()", "CHECKPOINT"}
	}
	for _, s := range stmts {
		if _, err := admin.Exec(ctx, s); err != nil {
			b.Fatalf("%s: %v", s, err)
		}
	}
	// The reload reaches the backends a moment later.
	dbtest.WaitFor(b, fmt.Sprintf("fsync on=%v", on), func() bool {
		var fsync string
		err := admin.QueryRow(ctx, "SHOW fsync").Scan(&fsync)
		return err == nil && (fsync == "on") == on
	})
}

func provisionMany(b *testing.B, r *tenant.Registry, n int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				_, err := r.Create(context.Background(), tenant.CreateParams{Slug: fmt.Sprintf("t%05d", i), Name: "Tenant"})
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
