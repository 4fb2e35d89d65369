package metrics_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/jobs"
	"github.com/piazza-pa/piazza/platform/metrics"
	"github.com/piazza-pa/piazza/platform/metrics/metricstest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

type okArgs struct{}

func (okArgs) Kind() string { return "test_ok" }

type failArgs struct{}

func (failArgs) Kind() string { return "test_fail" }

// Jobs worked through River are counted by kind and outcome and timed; the
// jobs waiting in River's table are counted by state at each scrape.
func TestJobMetrics(t *testing.T) {
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
	m := metrics.New(metrics.Options{})
	m.Pool("jobs", pool)
	m.Counts("jobs", "jobs by state", "state", func(ctx context.Context) (map[string]float64, error) {
		counts, err := jobs.Counts(ctx, pool)
		out := map[string]float64{}
		for k, v := range counts {
			out[k] = float64(v)
		}
		return out, err
	})
	// an insert-only client queues a job for later: it waits, scheduled
	queue, err := jobs.New(pool, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := queue.Insert(ctx, okArgs{}, &river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ran := make(chan string, 4)
	ws := river.NewWorkers()
	river.AddWorker(ws, river.WorkFunc(func(context.Context, *river.Job[okArgs]) error { ran <- "ok"; return nil }))
	river.AddWorker(ws, river.WorkFunc(func(context.Context, *river.Job[failArgs]) error { ran <- "fail"; return errors.New("no") }))
	c, err := jobs.New(pool, jobs.Config{Workers: ws, Work: true, Poll: 100 * time.Millisecond, Middleware: m.Middleware()})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Stop(context.Background()) }()
	for _, args := range []river.JobArgs{okArgs{}, okArgs{}, failArgs{}} {
		if _, err := c.Insert(ctx, args, &river.InsertOpts{MaxAttempts: 1}); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		select {
		case <-ran:
		case <-time.After(time.Minute):
			t.Fatal("the jobs did not run")
		}
	}
	h := httptest.NewServer(m.Handler())
	defer h.Close()
	// the middleware counts once the job's work returns; River records
	// the outcome in its table a moment later: scrape until both show
	var f metricstest.Families
	for range 200 {
		f = metricstest.Scrape(t, h.URL+"/metrics")
		if f.Value("piazza_jobs", map[string]string{"state": "discarded"}) == 1 &&
			f.Value("piazza_job_runs_total", map[string]string{"kind": "test_fail"}) == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"piazza_job_runs_total", map[string]string{"kind": "test_ok", "outcome": "ok"}, 2},
		{"piazza_job_runs_total", map[string]string{"kind": "test_fail", "outcome": "error"}, 1},
		{"piazza_job_run_duration_seconds", map[string]string{"kind": "test_ok"}, 2},
		{"piazza_jobs", map[string]string{"state": "scheduled"}, 1},
		{"piazza_jobs", map[string]string{"state": "discarded"}, 1},
		{"piazza_jobs", map[string]string{"state": "available"}, 0},
		{"piazza_pgxpool_max_conns", map[string]string{"pool": "jobs"}, 4},
	} {
		if got := f.Value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}
