package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/tenant"
)

// provisionOptions are the flags of provision.
type provisionOptions struct {
	n      int
	prefix string
	spare  bool
	every  time.Duration
	probe  string
	conns  int
}

// provisionCommand provisions tenants one after another on an installation
// as it is (however many tenants it holds) and prints the median, p90, p99
// and maximum of a provisioning; with -probe, right after each provisioning
// it also times one tenant transaction of the probe tenant on each of
// -conns connections that were open and had served that tenant before:
// what a request pays when a provisioning makes its connection rebuild
// its list of role memberships (docs/benchmarks.md).
func provisionCommand(ctx context.Context, args []string) error {
	var o provisionOptions
	var dbURL, base string
	err := flags("provision", args, func(fs *flag.FlagSet) {
		fs.IntVar(&o.n, "n", 100, "tenants to provision (<prefix>-<run>-0001 …)")
		fs.StringVar(&o.prefix, "prefix", "prov", "the tenants' slug prefix")
		fs.BoolVar(&o.spare, "spare", true, "make a spare schema before each provisioning (not timed), as a server keeps them ready; false: provision from scratch")
		fs.DurationVar(&o.every, "every", 0, "pause between provisionings")
		fs.StringVar(&o.probe, "probe", "", "a tenant's slug whose transactions are timed on open connections after each provisioning")
		fs.IntVar(&o.conns, "conns", 2, "open connections the probe uses (a login group keeps 2 idle: more are new connections)")
		fs.StringVar(&dbURL, "db", "", "the application's database URL (default: piazza dev's cluster)")
		fs.StringVar(&base, "base-domain", "localhost:8080", "the tenants' base domain (as the server's PIAZZA_BASE_DOMAIN)")
	})
	if err != nil {
		return err
	}
	if o.n <= 0 || o.conns <= 0 {
		return errors.New("-n and -conns: give at least one")
	}
	reg, _, closeDB, err := openRegistry(ctx, dbURL, base)
	if err != nil {
		return err
	}
	defer closeDB()
	var probe *tenant.Tenant
	if o.probe != "" {
		if probe, err = reg.Get(ctx, o.probe); err != nil {
			return fmt.Errorf("-probe: %w", err)
		}
		if _, err := probeOnce(ctx, reg.DB(), probe, o.conns); err != nil { // the connections open and serve it once
			return err
		}
	}
	var total tenantCount
	if err := reg.DB().NewRaw("SELECT count(*) AS n FROM piazza.tenants").Scan(ctx, &total); err != nil {
		return fmt.Errorf("count tenants: %w", err)
	}
	fmt.Printf("%d tenants present; provisioning %d (spare made ahead: %v)\n", total.N, o.n, o.spare)
	run := time.Now().Format("150405")
	var times, probes []time.Duration
	for i := 1; i <= o.n; i++ {
		if o.spare {
			if _, err := reg.EnsureSpares(ctx, 1); err != nil {
				return err
			}
			if probe != nil { // the spare's own role change is not the provisioning's
				if _, err := probeOnce(ctx, reg.DB(), probe, o.conns); err != nil {
					return err
				}
			}
		}
		start := time.Now()
		if _, err := reg.Create(ctx, tenant.CreateParams{Slug: fmt.Sprintf("%s-%s-%04d", o.prefix, run, i), Name: "Provisioning benchmark"}); err != nil {
			return err
		}
		times = append(times, time.Since(start))
		if probe != nil {
			got, err := probeOnce(ctx, reg.DB(), probe, o.conns)
			if err != nil {
				return err
			}
			probes = append(probes, got...)
		}
		time.Sleep(o.every)
	}
	fmt.Println("provisioning: " + percentiles(times))
	if probe != nil {
		fmt.Printf("tenant transaction of %s on an open connection right after a provisioning: %s\n", o.probe, percentiles(probes))
	}
	return nil
}

type tenantCount struct {
	N int `bun:"n"`
}

// probeOnce runs one small transaction of t on each of conns connections
// at once and returns the time each took to enter the tenant and read:
// each transaction holds its connection until all have read, so that no
// two share one.
func probeOnce(ctx context.Context, idb *bun.DB, t *tenant.Tenant, conns int) ([]time.Duration, error) {
	times := make([]time.Duration, conns)
	errs := make([]error, conns)
	var read, wg sync.WaitGroup
	read.Add(conns)
	for k := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			done := false
			errs[k] = db.InTenant(ctx, idb, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
				var n []int64
				err := tx.NewRaw("SELECT id FROM users LIMIT 1").Scan(ctx, &n)
				times[k] = time.Since(start)
				done = true
				read.Done()
				read.Wait()
				return err
			})
			if !done {
				read.Done()
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("probe %s: %w", t.Slug, err)
	}
	return times, nil
}

// percentiles formats the median, p90, p99 and maximum of times.
func percentiles(times []time.Duration) string {
	s := slices.Clone(times)
	slices.Sort(s)
	at := func(p int) time.Duration { return s[min(len(s)-1, len(s)*p/100)].Round(10 * time.Microsecond) }
	return fmt.Sprintf("%d runs, median %s, p90 %s, p99 %s, max %s", len(s), at(50), at(90), at(99), s[len(s)-1].Round(10*time.Microsecond))
}
