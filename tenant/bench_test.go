package tenant_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
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
			tenanttest.Provisions(b, r, spare, func(i int) string { return fmt.Sprintf("bench-%d", i) })
		})
	}
}
