package metrics

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/site"
)

// scrapeTimeout bounds a query run for a scrape.
const scrapeTimeout = 2 * time.Second

// DB adds the statistics of a database/sql pool (the go_sql_* metrics,
// labelled db_name=name): connections open, in use, idle, and the waits
// for one.
func (m *Metrics) DB(name string, db *sql.DB) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, name))
}

// Groups adds the login groups' pools, summed (stats gives how many are
// open and their database/sql statistics): one series each, whatever the
// number of groups.
func (m *Metrics) Groups(stats func() (int, sql.DBStats)) {
	gauge := func(n, help string, f func(int, sql.DBStats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: "login_group_" + n, Help: help},
			func() float64 { return f(stats()) })
	}
	counter := func(n, help string, f func(sql.DBStats) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: Namespace, Name: "login_group_" + n, Help: help},
			func() float64 { _, s := stats(); return f(s) })
	}
	m.reg.MustRegister(
		gauge("pools", "Login groups whose pool this replica has open.", func(n int, _ sql.DBStats) float64 { return float64(n) }),
		gauge("open_connections", "Connections open, over every login group's pool.", func(_ int, s sql.DBStats) float64 { return float64(s.OpenConnections) }),
		gauge("in_use_connections", "Connections in use, over every login group's pool.", func(_ int, s sql.DBStats) float64 { return float64(s.InUse) }),
		gauge("idle_connections", "Connections idle, over every login group's pool.", func(_ int, s sql.DBStats) float64 { return float64(s.Idle) }),
		counter("wait_count_total", "Waits for a connection of a login group's pool.", func(s sql.DBStats) float64 { return float64(s.WaitCount) }),
		counter("wait_duration_seconds_total", "Time waited for a connection of a login group's pool.", func(s sql.DBStats) float64 { return s.WaitDuration.Seconds() }),
		counter("idle_closed_total", "Connections of login groups' pools closed for being idle.", func(s sql.DBStats) float64 { return float64(s.MaxIdleClosed + s.MaxIdleTimeClosed) }),
	)
}

// Kept adds what stats says of the connections kept by tenant (see
// db.AffineStats): how many wait idle for their tenant, and where each
// tenant transaction's connection came from.
func (m *Metrics) Kept(stats func() (same, other, fresh int64, idle int)) {
	from := func(kind string, f func(same, other, fresh int64) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: Namespace, Name: "tenant_transactions_total",
			Help:        "Tenant transactions, by where their connection came from: an idle one of the same tenant (same), another tenant's idle one (other), the pool (new).",
			ConstLabels: prometheus.Labels{"connection": kind}},
			func() float64 { s, o, n, _ := stats(); return float64(f(s, o, n)) })
	}
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: "tenant_kept_connections",
			Help: "Idle connections kept for the tenant of their last transaction (the pools count them as in use)."},
			func() float64 { _, _, _, idle := stats(); return float64(idle) }),
		from("same", func(s, _, _ int64) int64 { return s }),
		from("other", func(_, o, _ int64) int64 { return o }),
		from("new", func(_, _, n int64) int64 { return n }),
	)
}

// Pool adds the statistics of a pgx pool (River's), labelled pool=name.
func (m *Metrics) Pool(name string, p *pgxpool.Pool) {
	labels := prometheus.Labels{"pool": name}
	gauge := func(n, help string, f func(*pgxpool.Stat) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: "pgxpool_" + n, Help: help, ConstLabels: labels},
			func() float64 { return f(p.Stat()) })
	}
	counter := func(n, help string, f func(*pgxpool.Stat) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: Namespace, Name: "pgxpool_" + n, Help: help, ConstLabels: labels},
			func() float64 { return f(p.Stat()) })
	}
	m.reg.MustRegister(
		gauge("max_conns", "Connections the pool may open.", func(s *pgxpool.Stat) float64 { return float64(s.MaxConns()) }),
		gauge("total_conns", "Connections open.", func(s *pgxpool.Stat) float64 { return float64(s.TotalConns()) }),
		gauge("acquired_conns", "Connections in use.", func(s *pgxpool.Stat) float64 { return float64(s.AcquiredConns()) }),
		gauge("idle_conns", "Connections idle.", func(s *pgxpool.Stat) float64 { return float64(s.IdleConns()) }),
		counter("empty_acquire_total", "Acquisitions that waited for a connection.", func(s *pgxpool.Stat) float64 { return float64(s.EmptyAcquireCount()) }),
		counter("acquire_duration_seconds_total", "Time spent acquiring connections.", func(s *pgxpool.Stat) float64 { return s.AcquireDuration().Seconds() }),
	)
}

// Cache adds the per-replica cache's lookups, evictions and size.
func (m *Metrics) Cache(c *site.Cache) {
	counter := func(n, help string, f func(site.CacheStats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: Namespace, Name: "cache_" + n, Help: help},
			func() float64 { return float64(f(c.Stats())) })
	}
	gauge := func(n, help string, f func(site.CacheStats) int) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: "cache_" + n, Help: help},
			func() float64 { return float64(f(c.Stats())) })
	}
	m.reg.MustRegister(
		counter("hits_total", "Cache lookups that found a live entry.", func(s site.CacheStats) uint64 { return s.Hits }),
		counter("misses_total", "Cache lookups that had to compute the value.", func(s site.CacheStats) uint64 { return s.Misses }),
		counter("evictions_total", "Entries dropped to make room (not those dropped because their tenant's data changed).", func(s site.CacheStats) uint64 { return s.Evictions }),
		gauge("entries", "Entries held.", func(s site.CacheStats) int { return s.Entries }),
		gauge("bytes", "Estimated bytes of the entries held.", func(s site.CacheStats) int { return s.Bytes }),
	)
}

// Counts adds a gauge with one series per key of what count returns at
// each scrape (a query: it gets a few seconds), labelled label.
func (m *Metrics) Counts(name, help, label string, count func(ctx context.Context) (map[string]float64, error)) {
	c := &countCollector{desc: prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", name), help, nil, nil), count: count}
	if label != "" {
		c.desc, c.labelled = prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", name), help, []string{label}, nil), true
	}
	m.reg.MustRegister(c)
}

// Gauge adds a gauge whose value value returns at each scrape (a query:
// it gets a few seconds).
func (m *Metrics) Gauge(name, help string, value func(ctx context.Context) (float64, error)) {
	m.Counts(name, help, "", func(ctx context.Context) (map[string]float64, error) {
		v, err := value(ctx)
		return map[string]float64{"": v}, err
	})
}

// countCollector is Counts' collector.
type countCollector struct {
	desc     *prometheus.Desc
	labelled bool
	count    func(ctx context.Context) (map[string]float64, error)
}

func (c *countCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *countCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for k, v := range counts {
		if c.labelled {
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, k)
		} else {
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v)
		}
	}
}

// ObserveTenant records a provisioning or a tenant migration (the
// registry's Observer): refused is bad input or a conflict (a slug taken),
// error anything else that failed.
func (m *Metrics) ObserveTenant(op string, d time.Duration, err error) {
	outcome := "ok"
	switch {
	case errors.Is(err, platform.ErrInvalid), errors.Is(err, platform.ErrConflict):
		outcome = "refused"
	case err != nil:
		outcome = "error"
	}
	m.tenant.WithLabelValues(op, outcome).Observe(d.Seconds())
}
