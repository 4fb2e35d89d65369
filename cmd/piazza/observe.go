package main

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/rivertype"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/jobs"
	"github.com/piazza-pa/piazza/platform/metrics"
	"github.com/piazza-pa/piazza/platform/tracing"
	"github.com/piazza-pa/piazza/tenant"
)

// observability is what watches the server: Prometheus metrics served on
// PIAZZA_METRICS_ADDR, and traces sent to OTEL_EXPORTER_OTLP_ENDPOINT;
// either may be off (nil).
type observability struct {
	metrics     *metrics.Metrics
	metricsAddr string
	tracing     *tracing.Tracing
}

// metricsAddr is PIAZZA_METRICS_ADDR (host:port), or "" (no metrics).
func metricsAddr() (string, error) {
	v := strings.TrimSpace(os.Getenv("PIAZZA_METRICS_ADDR"))
	if v == "" {
		return "", nil
	}
	if _, _, err := net.SplitHostPort(v); err != nil {
		return "", fmt.Errorf("PIAZZA_METRICS_ADDR: %q is not a listen address of the form host:port or :port", v)
	}
	return v, nil
}

// observe sets up metrics and traces as the environment asks, and
// instruments the database pool with them.
func (e *env) observe(ctx context.Context) error {
	addr, err := metricsAddr()
	if err != nil {
		return err
	}
	if addr != "" {
		e.obs.metricsAddr = addr
		e.obs.metrics = metrics.New(metrics.Options{Tenants: metrics.ParseTenants(os.Getenv("PIAZZA_METRICS_TENANTS")), Log: e.log})
		e.instrument("main", e.db)
		main := e.db
		e.obs.metrics.Groups(func() (int, sql.DBStats) { return db.GroupStats(main) })
		e.obs.metrics.Kept(func() (int64, int64, int64, int) { return db.AffineStats(main) })
		e.registry.Observe(e.obs.metrics.ObserveTenant)
		reg := e.registry
		e.obs.metrics.Counts("tenants", "Tenants in the registry, by status (provisioning, active, suspended, deleting).", "status",
			func(ctx context.Context) (map[string]float64, error) {
				counts, err := reg.StatusCounts(ctx)
				out := map[string]float64{}
				for _, s := range []tenant.Status{tenant.StatusProvisioning, tenant.StatusActive, tenant.StatusSuspended, tenant.StatusDeleting} {
					out[string(s)] = float64(counts[s])
				}
				return out, err
			})
		e.obs.metrics.Gauge("tenants_behind", "Tenants whose schema is older than this binary's migrations (a failed or missing `piazza migrate`).",
			func(ctx context.Context) (float64, error) {
				n, err := reg.Behind(ctx)
				return float64(n), err
			})
	}
	if tracing.Enabled(os.Getenv) {
		t, err := tracing.New(ctx, os.Getenv, versionString())
		if err != nil {
			return err
		}
		e.obs.tracing = t
		db.AddQueryHook(e.db, t.QueryHook("piazza")) // its login groups' pools too
		e.onClose(func() {
			stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = t.Shutdown(stop)
		})
		e.log.Info("traces sent", "endpoint", tracing.Endpoint(os.Getenv))
	}
	return nil
}

// instrument adds a bun pool other than the main one to the metrics and
// traces (the policies' pool).
func (e *env) instrument(name string, db *bun.DB) {
	if e.obs.metrics != nil {
		e.obs.metrics.DB(name, db.DB)
	}
	if e.obs.tracing != nil && name != "main" {
		db.AddQueryHook(e.obs.tracing.QueryHook(name))
	}
}

// instrumentJobs adds River's pool and its jobs to the metrics.
func (e *env) instrumentJobs(pool *pgxpool.Pool) {
	if e.obs.metrics == nil {
		return
	}
	e.obs.metrics.Pool("jobs", pool)
	e.obs.metrics.Counts("jobs", "Jobs in River's table, by state: waiting (available, scheduled, retryable), running, and given up (discarded, kept a week).", "state",
		func(ctx context.Context) (map[string]float64, error) {
			counts, err := jobs.Counts(ctx, pool)
			out := map[string]float64{}
			for k, v := range counts {
				out[k] = float64(v)
			}
			return out, err
		})
}

// jobMiddleware is what runs around each job: its metrics.
func (e *env) jobMiddleware() []rivertype.Middleware {
	if e.obs.metrics == nil {
		return nil
	}
	return e.obs.metrics.Middleware()
}

// webObservers are the middleware that watch each request.
func (e *env) webObservers() []fiber.Handler {
	var hs []fiber.Handler
	if e.obs.tracing != nil {
		hs = append(hs, e.obs.tracing.HTTP)
	}
	if e.obs.metrics != nil {
		hs = append(hs, e.obs.metrics.HTTP)
	}
	return hs
}

// listenMetrics opens the metrics' own listener (nil without metrics).
func (e *env) listenMetrics() (net.Listener, error) {
	if e.obs.metrics == nil {
		return nil, nil
	}
	ln, err := net.Listen("tcp", e.obs.metricsAddr)
	if err != nil {
		return nil, fmt.Errorf("PIAZZA_METRICS_ADDR: %w", err)
	}
	e.log.Info("metrics served", "addr", ln.Addr().String(), "path", "/metrics")
	return ln, nil
}
