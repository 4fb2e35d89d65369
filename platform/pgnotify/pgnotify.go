// Package pgnotify keeps one dedicated PostgreSQL connection LISTENing on the
// channels that replicas use to tell each other to drop cached state (tenant
// hosts, authorisation policies …) and hands each notification to its
// subscriber.
package pgnotify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Handler receives a notification's payload.
type Handler func(payload string)

// Listener is one LISTEN connection shared by every subscriber.
type Listener struct {
	url  string
	log  *slog.Logger
	mu   sync.Mutex
	subs map[string][]Handler
	// resets are called whenever notifications may have been missed (the
	// connection was lost): subscribers drop all they cached.
	resets []func()
	up     bool
	ready  chan struct{}
	// sleep, when set, replaces the wait between reconnection attempts.
	sleep func(ctx context.Context, d time.Duration) bool
}

// New returns a Listener connecting with url; call Subscribe, then Run.
func New(url string, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.Default()
	}
	return &Listener{url: url, log: log, subs: map[string][]Handler{}, ready: make(chan struct{})}
}

// Subscribe calls h for every notification on channel, and reset whenever
// notifications may have been missed. Call it before Run.
func (l *Listener) Subscribe(channel string, h Handler, reset func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.subs[channel] = append(l.subs[channel], h)
	if reset != nil {
		l.resets = append(l.resets, reset)
	}
}

// Listening reports whether notifications are being received now; while
// they are not, subscribers must not trust their caches.
func (l *Listener) Listening() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.up
}

// Ready is closed the first time the listener is up.
func (l *Listener) Ready() <-chan struct{} { return l.ready }

// Start runs the listener in the background until ctx ends, and waits at
// most wait for it to be up the first time.
func (l *Listener) Start(ctx context.Context, wait time.Duration) error {
	go l.Run(ctx)
	select {
	case <-l.Ready():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(wait):
		return fmt.Errorf("notification listener not up after %s", wait)
	}
}

// Back-off between reconnection attempts: it starts short, doubles while
// the server stays unreachable, and starts short again for the next outage
// once a connection has been listening.
const (
	initialBackoff = 100 * time.Millisecond
	maxBackoff     = 10 * time.Second
)

// Run listens until ctx ends, reconnecting with backoff.
func (l *Listener) Run(ctx context.Context) {
	backoff := initialBackoff
	first := true
	for ctx.Err() == nil {
		listened, err := l.listen(ctx, &first)
		l.setUp(false)
		l.reset()
		if ctx.Err() != nil {
			return
		}
		if listened {
			backoff = initialBackoff
		}
		l.log.Warn("notification listener lost its connection; caches bypassed until it is back", "err", err, "retry_in", backoff)
		if !l.wait(ctx, backoff) {
			return
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// wait sleeps for d unless ctx ends first, and reports whether it slept
// (tests replace it through l.sleep to see the delays chosen).
func (l *Listener) wait(ctx context.Context, d time.Duration) bool {
	if l.sleep != nil {
		return l.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// listen connects, listens and hands notifications over until the
// connection fails; listened reports whether it got as far as listening.
func (l *Listener) listen(ctx context.Context, first *bool) (listened bool, err error) {
	cfg, err := pgx.ParseConfig(l.url)
	if err != nil {
		return false, err
	}
	cfg.RuntimeParams["search_path"] = "pg_catalog"
	cfg.RuntimeParams["application_name"] = "piazza-listener"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	l.mu.Lock()
	channels := make([]string, 0, len(l.subs))
	for ch := range l.subs {
		channels = append(channels, ch)
	}
	l.mu.Unlock()
	for _, ch := range channels {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return false, err
		}
	}
	// Anything cached before now may be stale: start clean, then trust.
	l.reset()
	l.setUp(true)
	if *first {
		*first = false
		close(l.ready)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		l.mu.Lock()
		hs := l.subs[n.Channel]
		l.mu.Unlock()
		for _, h := range hs {
			h(n.Payload)
		}
	}
}

func (l *Listener) setUp(up bool) {
	l.mu.Lock()
	l.up = up
	l.mu.Unlock()
}

func (l *Listener) reset() {
	l.mu.Lock()
	rs := append([]func(){}, l.resets...)
	l.mu.Unlock()
	for _, r := range rs {
		r()
	}
}
