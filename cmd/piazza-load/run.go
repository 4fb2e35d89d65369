package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/session"
)

// load is one measurement's settings: where, how hard, which pages, as
// whom.
type load struct {
	addr  string
	conns int
	// dur bounds the run, and requests, if not 0, the requests; with
	// neither, each member asks for one page, in order (the warm-up).
	dur      time.Duration
	requests int
	pages    []page
	sites    []Site
	members  []ref
}

// ref is a member of a site.
type ref struct{ site, member int }

func runCommand(ctx context.Context, args []string) error {
	l := load{}
	var list string
	var warm bool
	var pid, most int
	err := flags("run", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&warm, "warm", true, "first visit the pages once as each member (reported apart): what a replica keeps is then in place")
		fs.StringVar(&l.addr, "addr", "127.0.0.1:8080", "the server's address (hosts are sent as Host headers)")
		fs.IntVar(&l.conns, "c", 64, "concurrent connections")
		fs.DurationVar(&l.dur, "d", 30*time.Second, "how long")
		fs.IntVar(&l.requests, "n", 0, "stop after this many requests (0: after -d)")
		fs.StringVar(&list, "pages", "dashboard", "page kinds or paths, comma-separated, each request one of them at random: "+kindNames())
		fs.IntVar(&most, "members", 0, "act as this many members at most, spread over the tenants (0: all)")
		fs.IntVar(&pid, "pid", 0, "the server's process, for its memory (default: the one listening on -addr's port)")
	})
	if err != nil {
		return err
	}
	if l.sites, err = readSites(); err != nil {
		return err
	}
	if l.pages, err = parsePages(list, l.sites); err != nil {
		return err
	}
	l.members = spread(l.sites, most)
	if pid == 0 {
		if pid, err = serverPID(l.addr); err != nil {
			fmt.Fprintln(os.Stderr, "piazza-load: server's memory unknown:", err)
		}
	}
	return l.report(ctx, stdout, pid, warm)
}

// report runs the warm-up (if warm) and the measurement, and prints them
// with the server's memory before and after and its cache setting.
func (l load) report(ctx context.Context, w io.Writer, pid int, warm bool) error {
	cache, detail := cacheSetting(pid)
	fmt.Fprintf(w, "%d members of %d tenants, %d connections, %s, pages %s; server pid %d, %s (%s), RSS before %s\n",
		len(l.members), len(l.sites), l.conns, l.span(), strings.Join(l.names(), ","), pid, cache, detail, rssText(pid))
	what := fmt.Sprintf("GET %s (signed in, %s)", strings.Join(l.names(), ","), cache)
	if len(l.pages) > 1 {
		what = fmt.Sprintf("GET all %d (signed in, %s)", len(l.pages), cache)
	}
	if warm {
		wl := l
		wl.dur, wl.requests = 0, 0
		total, _ := wl.drive(ctx)
		total.Print(w, "warm-up: each member once")
	}
	total, byPage := l.drive(ctx)
	if len(byPage) > 1 {
		for _, p := range slices.Sorted(maps.Keys(byPage)) {
			byPage[p].Print(w, "  GET "+p)
		}
	}
	total.Print(w, what)
	fmt.Fprintf(w, "server RSS after: %s\n", rssText(pid))
	return nil
}

var stdout io.Writer = os.Stdout

func (l load) span() string {
	if l.requests > 0 {
		return fmt.Sprintf("%d requests", l.requests)
	}
	return l.dur.String()
}

func (l load) names() []string {
	out := make([]string, len(l.pages))
	for i, p := range l.pages {
		out[i] = p.name
	}
	return out
}

// spread lists the members of every site, at most most of them (0: all)
// taken evenly across the list.
func spread(sites []Site, most int) []ref {
	var all []ref
	for s := range sites {
		for m := range sites[s].Members {
			all = append(all, ref{s, m})
		}
	}
	if most <= 0 || most >= len(all) {
		return all
	}
	out := make([]ref, most)
	for i := range out {
		out[i] = all[i*len(all)/most]
	}
	return out
}

// drive sends requests from l.conns workers, each as a random member
// asking for a random page of l.pages, and returns the total and each
// page's figures. The client is fasthttp's: it reads and writes in the
// asking goroutine and reuses its buffers, so that on a machine shared
// with the server it takes less of the processors than net/http's,
// time the server would otherwise not have.
func (l load) drive(ctx context.Context) (*Result, map[string]*Result) {
	// One connection per worker, whatever the tenant's host (the Host
	// header is the request's); a request is sent once, never again after
	// a timeout, which would add load to a server already behind.
	client := &fasthttp.HostClient{Addr: l.addr, MaxConns: l.conns, MaxIdemponentCallAttempts: 1,
		MaxIdleConnDuration: time.Minute, NoDefaultUserAgentHeader: true}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(l.dur)
	var turn atomic.Int64
	next := func(rng *rand.Rand) (ref, bool) {
		i := int(turn.Add(1)) - 1
		switch {
		case l.dur == 0 && l.requests == 0:
			return l.members[min(i, len(l.members)-1)], i < len(l.members)
		case l.requests > 0:
			return l.members[rng.IntN(len(l.members))], i < l.requests
		}
		return l.members[rng.IntN(len(l.members))], time.Now().Before(deadline)
	}
	var mu sync.Mutex
	total, byPage := &Result{}, map[string]*Result{}
	for _, p := range l.pages {
		byPage[p.name] = &Result{}
	}
	var wg sync.WaitGroup
	start := time.Now()
	for w := range l.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := l.work(ctx, client, rand.New(rand.NewPCG(uint64(w), 42)), next)
			mu.Lock()
			defer mu.Unlock()
			for name, res := range mine {
				byPage[name].merge(res)
				total.merge(res)
			}
		}()
	}
	wg.Wait()
	total.Elapsed = time.Since(start)
	for _, r := range byPage {
		r.Elapsed = total.Elapsed
	}
	return total, byPage
}

// work asks for pages as the members next gives until it says no more.
func (l load) work(ctx context.Context, client *fasthttp.HostClient, rng *rand.Rand, next func(*rand.Rand) (ref, bool)) map[string]*Result {
	mine := map[string]*Result{}
	for r, more := next(rng); more; r, more = next(rng) {
		p := l.pages[rng.IntN(len(l.pages))]
		site, m := &l.sites[r.site], &l.sites[r.site].Members[r.member]
		if p.as != nil {
			m = p.as(rng, site)
		}
		if mine[p.name] == nil {
			mine[p.name] = &Result{}
		}
		mine[p.name].record(get(ctx, client, site.Host, p.path(rng, site, m), m.Cookie))
	}
	return mine
}

// get asks for path at host as the member of cookie and returns the
// status (0 without an answer, signedOut for a page without the
// member's sign-out button: the session is no longer live) and how long
// the whole answer took. It follows no redirect.
func get(ctx context.Context, client *fasthttp.HostClient, host, path, cookie string) (int, time.Duration) {
	if ctx.Err() != nil {
		return 0, 0
	}
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	request(req, host, path, cookie)
	began := time.Now()
	err := client.DoTimeout(req, res, requestTimeout)
	took := time.Since(began)
	if err != nil {
		return 0, took
	}
	if res.StatusCode() < 500 && !bytes.Contains(res.Body(), signOutButton) {
		return signedOut, took
	}
	return res.StatusCode(), took
}

// request makes req ask for path at host as the member of cookie, with
// the cookies a member's browser sends. A browser keeps the CSRF cookie it
// was given (a new one on every request would cost the server a random
// seed, a signature and a Set-Cookie that no member's browser asks for):
// each member sends one of their own, derived from their session.
func request(req *fasthttp.Request, host, path, cookie string) {
	req.SetRequestURI("http://" + host + path)
	req.Header.SetCookie(session.CookieName, cookie)
	req.Header.SetCookie(csrf.CookieName, csrfSeed(cookie))
}

// csrfSeed is the CSRF cookie of the member of the session cookie: 43
// characters, as the server's own.
func csrfSeed(cookie string) string {
	sum := sha256.Sum256([]byte("csrf " + cookie))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// requestTimeout bounds a request, from its sending to its answer's end.
const requestTimeout = 10 * time.Second

// signOutButton is on every page the layout renders for a signed-in
// member, and on none for a guest.
var signOutButton = []byte("pz-sign-out")
