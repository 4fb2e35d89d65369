package jobs_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/jobs"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// Replicas starting together migrate River's tables one after the other:
// none fails, and the tables are there once.
func TestMigrateConcurrently(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	pool, err := jobs.Pool(ctx, d.URL, 8)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- jobs.Migrate(ctx, pool)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a replica's migration failed: %v", err)
		}
	}
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = 'river_job'", jobs.Schema).Scan(&n); err != nil || n != 1 {
		t.Errorf("river_job tables: %d (%v)", n, err)
	}
}
