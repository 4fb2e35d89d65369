// Package jobs runs durable background jobs in PostgreSQL with River: its
// tables live in the schema piazza_jobs (created by the control migrations,
// filled by River's own migrations here), so jobs survive restarts and
// replicas share them.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// Schema holds River's tables.
const Schema = "piazza_jobs"

// Client inserts and works jobs.
type Client = river.Client[pgx.Tx]

// Pool opens the connection pool River works through.
func Pool(ctx context.Context, url string, max int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("jobs: parse database URL: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = "pg_catalog"
	cfg.ConnConfig.RuntimeParams["application_name"] = "piazza-jobs"
	if max > 0 {
		cfg.MaxConns = max
	}
	return pgxpool.NewWithConfig(ctx, cfg)
}

// migrateLock is the advisory lock key held while River's tables migrate:
// replicas starting together take turns.
const migrateLock = 727_002

// Migrate brings River's tables up to date, one replica at a time (River's
// migrations cannot all run in one transaction: a session lock on a
// connection of its own keeps the others waiting).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Schema: Schema})
	if err != nil {
		return fmt.Errorf("jobs: migrator: %w", err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLock); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLock) }()
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// Config is what a client runs: its workers and periodic jobs; Work false
// makes an insert-only client (for the command line).
type Config struct {
	Workers  *river.Workers
	Periodic []*river.PeriodicJob
	Work     bool
	Log      *slog.Logger
	// Poll is how often workers look for jobs (River polls, for PgBouncer).
	Poll time.Duration
	// Middleware run around each job worked (metrics, traces).
	Middleware []rivertype.Middleware
}

// New returns a client over pool.
func New(pool *pgxpool.Pool, c Config) (*Client, error) {
	cfg := &river.Config{Schema: Schema, Logger: c.Log, PeriodicJobs: c.Periodic, Workers: c.Workers, Middleware: c.Middleware}
	if c.Work {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}
		cfg.FetchPollInterval = c.Poll
		if cfg.FetchPollInterval == 0 {
			cfg.FetchPollInterval = time.Second
		}
		// Polling only: no LISTEN connection whose reconnection back-off
		// grows with every outage (River's never starts over), and it works
		// behind PgBouncer in transaction mode. A new job waits at most Poll.
		cfg.PollOnly = true
	}
	return river.NewClient(riverpgxv5.New(pool), cfg)
}

// Queue inserts the jobs of the modules through the client it is given
// once that exists (Use): modules are built before the client that works
// their jobs. Without a client it inserts nothing, so every job a module
// queues after a commit must also be caught up by a schedule of its own.
type Queue struct {
	mu     sync.RWMutex
	client *Client
}

// Use makes q insert through c.
func (q *Queue) Use(c *Client) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.client = c
}

// Insert queues a job through q's client (nothing without one).
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if q == nil {
		return nil
	}
	q.mu.RLock()
	c := q.client
	q.mu.RUnlock()
	if c == nil {
		return nil
	}
	_, err := c.Insert(ctx, args, opts)
	return err
}

// Offer is a module with jobs of its own: it adds its workers to ws and
// returns its periodic jobs, for the client that works them.
type Offer interface {
	Jobs(ws *river.Workers) []*river.PeriodicJob
}

// States are the states of the jobs Counts counts: waiting to run (available,
// scheduled, retryable after an error), running, and given up (discarded,
// kept a week).
var States = []string{"available", "scheduled", "retryable", "running", "discarded"}

// Counts is the number of jobs in each of States, across replicas.
func Counts(ctx context.Context, pool *pgxpool.Pool) (map[string]int64, error) {
	rows, err := pool.Query(ctx, "SELECT state::text, count(*) FROM "+Schema+".river_job"+
		" WHERE state IN ('available', 'scheduled', 'retryable', 'running', 'discarded') GROUP BY state")
	if err != nil {
		return nil, fmt.Errorf("jobs: count: %w", err)
	}
	counts := map[string]int64{}
	for _, s := range States {
		counts[s] = 0
	}
	var state string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&state, &n}, func() error {
		counts[state] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: count: %w", err)
	}
	return counts, nil
}
