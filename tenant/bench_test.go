package tenant_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
)

// BenchmarkProvision provisions one tenant per iteration (registry rows, a
// role and a schema at the binary's version: one transaction) on a cluster
// with fsync on, and reports the median and p99 besides the mean: from
// scratch (role, schema and every tenant migration made in the
// transaction) and from a spare (made before the iteration, off the clock,
// as a server does in the background).
//
//	go test ./tenant -run '^$' -bench Provision -benchtime 200x
func BenchmarkProvision(b *testing.B) {
	for _, spare := range []bool{false, true} {
		name := "scratch"
		if spare {
			name = "spare"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			d := dbtest.NewDurable(b)
			r, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
			if err != nil {
				b.Fatal(err)
			}
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if spare {
					b.StopTimer()
					if _, _, err := r.FillSpares(ctx, 1); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				start := time.Now()
				if _, err := r.Create(ctx, tenant.CreateParams{Slug: fmt.Sprintf("bench-%d", i), Name: "Bench"}); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
			b.StopTimer()
			reportTimes(b, times)
		})
	}
}

// reportTimes reports the median and the 99th percentile of times.
func reportTimes(b *testing.B, times []time.Duration) {
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "ms-p99")
}
