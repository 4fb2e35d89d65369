package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
)

// BenchmarkAtScale measures, over 1,000 and 10,000 provisioned tenants (fsync
// on), `piazza migrate` with nothing to do — run in-process: connection,
// control-schema check, the bulk look-up of the tenants behind — and the
// provisioning of one more tenant (median reported). Setting up the tenants
// takes several minutes.
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
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, stderr, err := run(b, "", "migrate"); err != nil {
					b.Fatalf("%v\n%s", err, stderr)
				}
			}
		})
		b.Run(fmt.Sprintf("provision/tenants=%d", n), func(b *testing.B) {
			setup(b)
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				_, err := r.Create(context.Background(), tenant.CreateParams{Slug: fmt.Sprintf("extra-%d-%d", b.N, i), Name: "Extra"})
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
			b.StopTimer()
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
		})
	}
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
