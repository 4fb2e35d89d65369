package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/piazza-pa/piazza/platform/session"
)

// Result is what a load run measured.
type Result struct {
	Requests, Errors int
	Elapsed          time.Duration
	Latencies        []time.Duration
}

// Print writes throughput and percentiles.
func (r Result) Print(w io.Writer, what string) {
	slices.Sort(r.Latencies)
	p := func(q float64) time.Duration {
		if len(r.Latencies) == 0 {
			return 0
		}
		return r.Latencies[min(len(r.Latencies)-1, int(q*float64(len(r.Latencies))))].Round(10 * time.Microsecond)
	}
	fmt.Fprintf(w, "%-34s %8d req  %6d err  %9.1f req/s  p50 %-9s p90 %-9s p99 %s\n", what, r.Requests, r.Errors,
		float64(r.Requests)/r.Elapsed.Seconds(), p(0.50), p(0.90), p(0.99))
}

func runCommand(ctx context.Context, args []string) error {
	var addr string
	var conns int
	var dur time.Duration
	var mix string
	var warm bool
	err := flags("run", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&warm, "warm", true, "first visit every member's page once (reported apart): what a replica keeps is then in place")
		fs.StringVar(&addr, "addr", "127.0.0.1:8080", "the server's address (hosts are sent as Host headers)")
		fs.IntVar(&conns, "c", 64, "concurrent connections")
		fs.DurationVar(&dur, "d", 30*time.Second, "how long")
		fs.StringVar(&mix, "pages", "dashboard", "dashboard, community or both")
	})
	if err != nil {
		return err
	}
	targets, err := readTargets()
	if err != nil {
		return err
	}
	tenants := map[string]bool{}
	for _, t := range targets {
		tenants[t.Host] = true
	}
	fmt.Printf("%d members of %d tenants, %d connections, %s\n", len(targets), len(tenants), conns, dur)
	if warm {
		drive(ctx, addr, targets, conns, 0, mix).Print(stdout, "warm-up: each member once")
	}
	res := drive(ctx, addr, targets, conns, dur, mix)
	res.Print(stdout, "GET "+mix+" (signed in)")
	return nil
}

var stdout io.Writer = osStdout()

// drive sends requests from conns workers for dur, each as a random member;
// with dur 0, one request as each member, in order.
func drive(ctx context.Context, addr string, targets []Target, conns int, dur time.Duration, mix string) Result {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	deadline := time.Now().Add(dur)
	var turn atomic.Int64 // with dur 0, the next member to visit
	next := func(rng *rand.Rand) (Target, bool) {
		if dur == 0 {
			i := int(turn.Add(1)) - 1
			return targets[min(i, len(targets)-1)], i < len(targets)
		}
		return targets[rng.IntN(len(targets))], time.Now().Before(deadline)
	}
	var mu sync.Mutex
	var all Result
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			var mine Result
			for {
				t, more := next(rng)
				if !more {
					break
				}
				path := "/dashboard"
				if mix == "community" || (mix == "both" && rng.IntN(2) == 0) {
					if len(t.Community) > 0 {
						path = fmt.Sprintf("/communities/%d", t.Community[rng.IntN(len(t.Community))])
					}
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+t.Host+path, nil)
				req.AddCookie(&http.Cookie{Name: session.CookieName, Value: t.Cookie})
				began := time.Now()
				res, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				mine.Latencies = append(mine.Latencies, time.Since(began))
				mine.Requests++
				if err != nil || res.StatusCode != http.StatusOK {
					mine.Errors++
				}
			}
			mu.Lock()
			all.Requests += mine.Requests
			all.Errors += mine.Errors
			all.Latencies = append(all.Latencies, mine.Latencies...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	all.Elapsed = time.Since(start)
	return all
}
