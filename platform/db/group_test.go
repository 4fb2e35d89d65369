package db_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piazza-pa/piazza/platform/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// BenchmarkGroupSize measures what a login group of n tenant roles costs
// its connections: the first tenant transaction on a new connection, and a
// tenant transaction on an open connection right after a role change
// elsewhere in the cluster (a provisioning, a spare made): both rebuild
// the connection's list of role memberships (docs/benchmarks.md). Median
// and p99 are reported.
//
//	go test ./platform/db -run '^$' -bench GroupSize -benchtime 20x
func BenchmarkGroupSize(b *testing.B) {
	for _, n := range []int{100, 250, 500, 1000} {
		b.Run(fmt.Sprintf("first-tx/members=%d", n), func(b *testing.B) {
			cfg, _, role := groupOf(b, n)
			ctx := context.Background()
			times := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				conn, err := pgx.ConnectConfig(ctx, cfg)
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, tenantTx(b, conn, role))
				conn.Close(ctx)
			}
			report(b, times)
		})
		b.Run(fmt.Sprintf("after-change/members=%d", n), func(b *testing.B) {
			cfg, main, role := groupOf(b, n)
			ctx := context.Background()
			conn, err := pgx.ConnectConfig(ctx, cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close(ctx)
			tenantTx(b, conn, role) // the list is built
			times := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				// a role made and dropped elsewhere, as a provisioning does
				if _, err := main.Exec(ctx, fmt.Sprintf("CREATE ROLE %s_x NOLOGIN; DROP ROLE %[1]s_x", role)); err != nil {
					b.Fatal(err)
				}
				times = append(times, tenantTx(b, conn, role))
			}
			report(b, times)
		})
	}
}

// groupOf makes a login role NOINHERIT that is a member of n NOLOGIN roles
// (named with the test installation's prefix, so that the test database's
// clean-up drops them) and returns how to connect as it, a connection of
// the main login role and one of the n roles.
func groupOf(b *testing.B, n int) (*pgx.ConnConfig, *pgx.Conn, string) {
	b.Helper()
	ctx := context.Background()
	d := dbtest.New(b)
	main, err := pgx.Connect(ctx, d.URL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { main.Close(ctx) })
	var prefix string
	if err := main.QueryRow(ctx, "SELECT role_prefix FROM piazza.installation").Scan(&prefix); err != nil {
		b.Fatal(err)
	}
	group := prefix + "__gbench"
	var sql strings.Builder
	fmt.Fprintf(&sql, "CREATE ROLE %s LOGIN NOINHERIT PASSWORD 'bench';\n", group)
	for i := range n {
		fmt.Fprintf(&sql, "CREATE ROLE %s__b%d NOLOGIN NOINHERIT; GRANT %[1]s__b%[2]d TO %[3]s;\n", prefix, i, group)
	}
	if _, err := main.Exec(ctx, sql.String()); err != nil {
		b.Fatal(err)
	}
	cfg, err := pgx.ParseConfig(d.URL)
	if err != nil {
		b.Fatal(err)
	}
	cfg.User, cfg.Password = group, "bench"
	return cfg, main, prefix + "__b0"
}

// tenantTx times one tenant transaction's frame on conn: BEGIN, the role
// taken (where the membership list is built when it is not), COMMIT.
func tenantTx(b *testing.B, conn *pgx.Conn, role string) time.Duration {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	tx, err := conn.Begin(ctx)
	if err == nil {
		_, err = tx.Exec(ctx, "SELECT set_config('role', $1, true)", role)
	}
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// report reports the median and the 99th percentile of times.
func report(b *testing.B, times []time.Duration) {
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "ms-p99")
}
