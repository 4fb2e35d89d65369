package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/KimMachineGun/automemlimit/memlimit"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/modules"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/jobs"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/pgnotify"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// cacheEntries bounds the entries of the per-replica cache of tenant data
// (sessions' members, dashboard pages) unless PIAZZA_CACHE_ENTRIES says
// otherwise (0: no cache).
const cacheEntries = 20_000

// cacheSize is PIAZZA_CACHE_ENTRIES, or cacheEntries.
func cacheSize() (int, error) {
	v := os.Getenv("PIAZZA_CACHE_ENTRIES")
	if v == "" {
		return cacheEntries, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("PIAZZA_CACHE_ENTRIES: %q is not a number of entries", v)
	}
	return n, nil
}

// cacheBytes bounds the estimated bytes of the per-replica cache unless
// PIAZZA_CACHE_BYTES says otherwise: about 8,000 rendered dashboard pages.
const cacheBytes = 64 << 20

// cacheByteLimit is PIAZZA_CACHE_BYTES (bytes, or with a KiB, MiB or GiB
// suffix), or cacheBytes.
func cacheByteLimit() (int, error) {
	v := strings.TrimSpace(os.Getenv("PIAZZA_CACHE_BYTES"))
	if v == "" {
		return cacheBytes, nil
	}
	unit := 1
	for suffix, u := range map[string]int{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if n, ok := strings.CutSuffix(v, suffix); ok {
			v, unit = strings.TrimSpace(n), u
		}
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > math.MaxInt/unit {
		return 0, fmt.Errorf("PIAZZA_CACHE_BYTES: %q is not a size (e.g. 64MiB)", os.Getenv("PIAZZA_CACHE_BYTES"))
	}
	return n * unit, nil
}

// server wires the HTTP server: the notification listener that keeps every
// replica's caches fresh, tenant resolution, the authoriser, the jobs and
// the module list (modules.Build).
func (e *env) server(ctx context.Context) (*web.Server, *pgnotify.Listener, error) {
	if err := e.observe(ctx); err != nil {
		return nil, nil, err
	}
	l := pgnotify.New(e.dbURL, e.log)
	res := tenant.NewResolver(e.registry)
	res.Subscribe(l)
	cache, az, err := e.caches(ctx, l)
	if err != nil {
		return nil, nil, err
	}
	sender, err := e.mailer()
	if err != nil {
		return nil, nil, err
	}
	box, err := e.box()
	if err != nil {
		return nil, nil, err
	}
	chains, err := e.trustChains()
	if err != nil {
		return nil, nil, err
	}
	fc, err := e.federation()
	if err != nil {
		return nil, nil, err
	}
	queue := &jobs.Queue{}
	set, err := modules.Build(modules.Deps{TrustChains: chains, DB: e.db, Registry: e.registry, Cache: cache, Authz: az, Mail: sender,
		Files: e.files(), Box: box, Key: e.cfg.SecretKey, UnsubscribeKey: e.unsubscribeKey(), Jobs: queue,
		Secure: !e.cfg.Dev, Scheme: e.scheme(), Billing: e.billing, Federation: fc, Client: e.egress(),
		// The worker comes next: it writes e-mails with the modules' messages.
		Dispatch: func(ctx context.Context, slug string, id int64) error { return e.worker.Dispatch(ctx, slug, id) }})
	if err != nil {
		return nil, nil, err
	}
	worker, pool, err := e.background(ctx, sender, set)
	if err != nil {
		return nil, nil, err
	}
	queue.Use(worker.Client)
	e.worker, e.jobsPool = worker, pool
	e.onClose(pool.Close)
	e.instrumentJobs(pool)
	srv, err := set.Server(web.Config{
		OperatorHost:   e.cfg.OperatorHost,
		TrustedProxies: e.cfg.TrustedProxies,
		Concurrency:    e.cfg.Concurrency,
		HSTS:           e.scheme() == "https",
		Dev:            e.cfg.Dev,
		Log:            e.log,
		DB:             e.db,
		Tenant:         tenant.Middleware(res),
		Observe:        e.webObservers(),
	})
	return srv, l, err
}

// caches returns the per-replica cache of tenant data and the authoriser,
// each kept fresh by l.
func (e *env) caches(ctx context.Context, l *pgnotify.Listener) (*tenant.Cache, *authz.Authorizer, error) {
	entries, err := cacheSize()
	if err != nil {
		return nil, nil, err
	}
	size, err := cacheByteLimit()
	if err != nil {
		return nil, nil, err
	}
	cache := tenant.NewCache(entries)
	cache.LimitBytes(size)
	cache.Subscribe(l)
	if e.obs.metrics != nil {
		e.obs.metrics.Cache(cache)
	}
	// Policies load on a pool of their own: a request asks for one inside
	// its tenant transaction, and must never wait for a connection that
	// other requests' transactions hold.
	policyDB, err := db.Open(ctx, e.dbURL, 4, e.cfg.SecretKey)
	if err != nil {
		return nil, nil, err
	}
	e.onClose(func() { _ = policyDB.Close() })
	e.instrument("policy", policyDB)
	az, err := authz.New(policyDB, 1000)
	if err != nil {
		return nil, nil, err
	}
	az.Subscribe(l)
	cache.Domain(l, authz.Channel) // after the authoriser: see Cache.Domain
	// a tenant's published look (the modules it offers) and plan change
	// what its pages show
	cache.Domain(l, tenant.ChangeChannel)
	return cache, az, nil
}

// files is where attachments are stored: the store of PIAZZA_STORAGE_URL,
// by default the data directory's files folder.
func (e *env) files() storage.Store { return e.openFiles() }

// mailer sends through PIAZZA_SMTP_URL; without it, `piazza dev` and the
// CLI write e-mails (links included) where the developer or operator reads
// them, and `serve` sends none (their links must not reach logs).
func (e *env) mailer() (mail.Sender, error) {
	if e.cfg.SMTPURL == "" {
		if e.cfg.Dev || e.mode == config.ModeTool {
			return mail.Log{Logger: e.log}, nil
		}
		e.log.Warn("PIAZZA_SMTP_URL is not set: no e-mail will be sent (registration and password reset will say so)")
		return mail.Disabled{Logger: e.log}, nil
	}
	return mail.NewSMTP(e.cfg.SMTPURL, e.cfg.MailFrom)
}

// scheme is the scheme of the links Piazza puts in e-mails.
func (e *env) scheme() string { return e.cfg.Scheme() }

// gcPercent is the garbage collector's target when GOGC is not set: pages
// allocate much and keep little, and the default (100) spends a fifth of
// the server's time collecting under load; 400 keeps the heap at a few
// hundred megabytes.
const gcPercent = 400

// tuneGC applies gcPercent unless the environment chose (GOGC).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

// memoryShare is the part of the container's memory limit (its cgroup's)
// given to the Go runtime as its soft limit: the collector works harder as
// the heap nears it instead of the kernel killing the replica; the rest is
// for the runtime's own and the C libraries' memory.
const memoryShare = 0.9

// heapBase is what the server holds besides its cache (templates,
// policies, connections' buffers, requests in flight), measured at about
// 60 MB live with 100 tenants × 20 members.
const heapBase = 72 << 20

// defaultMemoryLimit is the runtime's soft memory limit when neither the
// container nor GOMEMLIMIT sets one: twice the cache's bound (what it
// holds, and as much again of garbage between collections) and the rest.
// With GOGC at 400 the collector then runs rarely while the heap is small
// and more often as it nears the limit: at 100 tenants × 20 members the
// server stays near 230 MB instead of 400–500 MB, at the same throughput
// (docs/benchmarks.md).
func defaultMemoryLimit(cacheBytes int) int64 { return 2*int64(cacheBytes) + heapBase }

// tuneMemory sets the runtime's memory limit from the container's, unless
// GOMEMLIMIT is set (AUTOMEMLIMIT=off turns it off); without a container
// limit, to defaultMemoryLimit.
func (e *env) tuneMemory() {
	limit, err := memlimit.SetGoMemLimitWithOpts(memlimit.WithRatio(memoryShare), memlimit.WithProvider(memlimit.FromCgroup))
	if limit > 0 {
		e.log.Info("memory limit", "bytes", limit, "from", "container")
		return
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if err != nil && !errors.Is(err, memlimit.ErrNoLimit) && !errors.Is(err, memlimit.ErrNoCgroup) {
		e.log.Warn("memory limit of the container not read", "err", err)
	}
	cache, err := cacheByteLimit()
	if err != nil {
		cache = cacheBytes
	}
	debug.SetMemoryLimit(defaultMemoryLimit(cache))
	e.log.Info("memory limit", "bytes", defaultMemoryLimit(cache), "from", "cache bound")
}

// serve runs the HTTP server until ctx ends, then drains it.
func (e *env) serve(ctx context.Context) error {
	srv, l, err := e.server(ctx)
	if err != nil {
		return err
	}
	// The listener and the janitor end before serve returns: their
	// connections must be closed when the command decides whether to stop
	// the private cluster.
	ctx, cancel := context.WithCancel(ctx)
	var background sync.WaitGroup
	defer background.Wait()
	defer cancel()
	background.Go(func() { l.Run(ctx) })
	background.Go(func() { e.janitor(ctx) })
	background.Go(func() { e.registry.KeepSpares(ctx, e.spareReport) })
	mln, err := e.listenMetrics()
	if err != nil {
		return err
	}
	if mln != nil {
		background.Go(func() {
			if err := e.obs.metrics.Serve(ctx, mln); err != nil {
				e.log.Error("metrics server", "err", err)
			}
		})
	}
	idp.MakeKeysAhead() // provisioning's two keys, made before they are asked for
	e.startProfiler()
	tuneGC()
	e.tuneMemory()
	if err := e.worker.Client.Start(ctx); err != nil {
		return err
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.worker.Client.Stop(stop)
		e.jobsPool.Close()
	}()
	e.log.Info("listening", "addr", e.cfg.Addr)
	return srv.Run(ctx, e.cfg.Addr)
}
