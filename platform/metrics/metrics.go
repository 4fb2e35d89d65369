// Package metrics exposes Piazza's Prometheus metrics on a listener of their
// own (never on a tenant's host): HTTP requests by route pattern, the
// database pools, the per-replica cache, the jobs, tenants by status, and
// how long provisioning and tenant migrations take. Labels have bounded
// values: route patterns, never paths; no tenant unless the operator names
// the few tenants to follow (Options.Tenants).
package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes Piazza's own metrics.
const Namespace = "piazza"

// OtherTenant is the tenant label of the tenants not followed, and of the
// requests of no tenant.
const OtherTenant = "other"

// Options configure the metrics.
type Options struct {
	// Tenants are the slugs that get a tenant label of their own
	// (PIAZZA_METRICS_TENANTS); empty: no tenant label at all.
	Tenants []string
	// Log receives the errors of scrapes (a source that did not answer).
	Log *slog.Logger
}

// Metrics is a registry of Piazza's metrics and the instruments that
// feed it.
type Metrics struct {
	reg     *prometheus.Registry
	log     *slog.Logger
	tenants map[string]bool
	http    httpMetrics
	jobs    jobMetrics
	tenant  *prometheus.HistogramVec
}

// New returns the metrics with the Go runtime's and the process's.
func New(o Options) *Metrics {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	m := &Metrics{reg: prometheus.NewRegistry(), log: o.Log}
	if len(o.Tenants) > 0 {
		m.tenants = map[string]bool{}
		for _, s := range o.Tenants {
			m.tenants[s] = true
		}
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.http = newHTTPMetrics(m.reg, m.tenants != nil)
	m.jobs = newJobMetrics(m.reg)
	m.tenant = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Name: "tenant_operation_duration_seconds",
		Help:    "Duration of control-plane operations on a tenant: provision (Create, every migration included) and migrate (one tenant's pending migrations in a rollout), by outcome (ok, refused, error).",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"operation", "outcome"})
	m.reg.MustRegister(m.tenant)
	return m
}

// ParseTenants reads PIAZZA_METRICS_TENANTS: slugs separated by commas.
func ParseTenants(v string) []string {
	var out []string
	for s := range strings.SplitSeq(v, ",") {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// tenantLabel is slug if it is followed, else OtherTenant.
func (m *Metrics) tenantLabel(slug string) string {
	if m.tenants[slug] {
		return slug
	}
	return OtherTenant
}

// Registry is the registry the metrics are in (for tests and extra collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in Prometheus's text format on /metrics, and
// 404 on any other path. A source that fails (the database away) leaves its
// metrics out and is logged; the others are served.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog: slogPrinter{m.log}, ErrorHandling: promhttp.ContinueOnError,
		Timeout: 10 * time.Second, MaxRequestsInFlight: 4,
	}))
	return mux
}

// Serve answers scrapes on ln until ctx ends.
func (m *Metrics) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: m.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(stop)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// slogPrinter writes promhttp's errors to the log.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) {
	p.log.Warn("metrics: a source did not answer", "err", strings.TrimSpace(fmt.Sprint(v...)))
}
