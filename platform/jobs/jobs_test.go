package jobs_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

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

// A working client finds jobs by polling: it holds no LISTEN connection,
// whose reconnection waits would grow with every database outage.
func TestWorkerDoesNotListen(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	pool, err := jobs.Pool(ctx, d.URL, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := jobs.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	done := make(chan struct{}, 1)
	river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[pingArgs]) error {
		done <- struct{}{}
		return nil
	}))
	c, err := jobs.New(pool, jobs.Config{Workers: workers, Work: true, Poll: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Stop(context.Background()) }()
	if _, err := c.Insert(ctx, pingArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	select { // the job runs: the client is up and polling
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the job never ran")
	}
	var listening int
	err = pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
		AND pid <> pg_backend_pid() AND query ILIKE 'listen%'`).Scan(&listening)
	if err != nil || listening != 0 {
		t.Fatalf("%d connections listening (%v), want none", listening, err)
	}
}

type pingArgs struct{}

func (pingArgs) Kind() string { return "test_ping" }
