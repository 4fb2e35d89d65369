package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
)

// BenchmarkAtScale measures, over 1,000 and 10,000 provisioned tenants (fsync
// on), `piazza migrate` with nothing to do — run in-process: connection,
// control-schema check, the bulk look-up of the tenants behind — the
// provisioning of one more tenant, from scratch and from a spare (made off
// the clock), and the first tenant transaction on a new connection (median
// and p99 reported). Setting up the tenants takes several minutes; one size
// alone: -bench 'AtScale//tenants=1000$'.
//
//	go test ./cmd/piazza -run '^$' -bench AtScale -benchtime 5x -timeout 60m
func BenchmarkAtScale(b *testing.B) {
	parent := b
	for _, n := range []int{1000, 10000} {
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
			provisionMany(b, r, n)
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
	}
}

// firstSetRole times, on new connections of the login role, the first
// tenant transaction (BEGIN, set_config of search_path and role, COMMIT):
// the backend builds its list of role memberships then.
func firstSetRole(b *testing.B, d *dbtest.DB, r *tenant.Registry) {
	ctx := context.Background()
	tn, err := r.Get(ctx, "t00001")
	if err != nil {
		b.Fatal(err)
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		conn, err := pgx.Connect(ctx, d.URL)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		tx, err := conn.Begin(ctx)
		if err == nil {
			_, err = tx.Exec(ctx, "SELECT set_config('search_path', $1, true), set_config('role', $2, true)", tn.SchemaName, tn.RoleName)
		}
		if err == nil {
			err = tx.Commit(ctx)
		}
		times = append(times, time.Since(start))
		b.StopTimer()
		conn.Close(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	tenanttest.ReportTimes(b, times)
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
