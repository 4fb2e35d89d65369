package tenanttest

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/tenant"
)

// Provisions times b.N provisionings through r (slug names the i-th
// tenant) and reports their median and 99th percentile. With spare, one
// spare schema is made before each, untimed, so that each claims one.
func Provisions(b *testing.B, r *tenant.Registry, spare bool, slug func(i int) string) {
	ctx := context.Background()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if spare {
			b.StopTimer()
			if _, err := r.EnsureSpares(ctx, 1); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		start := time.Now()
		if _, err := r.Create(ctx, tenant.CreateParams{Slug: slug(i), Name: "Bench"}); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	ReportTimes(b, times)
}

// ReportTimes reports the median and the 99th percentile of times.
func ReportTimes(b *testing.B, times []time.Duration) {
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "ms-p99")
}
