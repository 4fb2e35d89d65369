package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/piazza-pa/piazza/tenant"
)

// BenchmarkMigrateNoop runs `piazza migrate`, in-process, over N up-to-date
// tenants: connection, control-schema check, the bulk look-up of the tenants
// behind, nothing to do. Setting up 10,000 tenants takes a few minutes.
//
//	go test ./cmd/piazza -run '^$' -bench MigrateNoop -benchtime 5x -timeout 60m
func BenchmarkMigrateNoop(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("tenants=%d", n), func(b *testing.B) {
			d := useDatabaseTB(b)
			ctx := context.Background()
			r, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
			if err != nil {
				b.Fatal(err)
			}
			provisionMany(b, r, n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, stderr, err := run(b, "", "migrate"); err != nil {
					b.Fatalf("%v\n%s", err, stderr)
				}
			}
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
