package pgnotify

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piazza-pa/piazza/platform/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// waits records the delays the listener chooses between reconnection
// attempts, without sleeping.
type waits struct {
	mu sync.Mutex
	ds []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) bool {
	w.mu.Lock()
	w.ds = append(w.ds, d)
	w.mu.Unlock()
	return ctx.Err() == nil
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.ds...)
}

// Every outage starts over at the short wait, however long the previous
// one lasted: caches are bypassed only while the server is really away.
func TestBackoffStartsOverAfterEachOutage(t *testing.T) {
	d := dbtest.New(t)
	admin := d.Admin(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := New(d.URL, nil)
	w := &waits{}
	l.sleep = w.sleep
	got := make(chan string, 100)
	l.Subscribe("piazza_test", func(p string) { got <- p }, nil)
	if err := l.Start(ctx, 10*time.Second); err != nil {
		t.Fatal(err)
	}

	// First outage: the backend is killed and the login refused for a
	// while, so the back-off grows before the listener gets back.
	role := pgx.Identifier{loginRole(t, d.URL)}.Sanitize()
	exec(t, admin, "ALTER ROLE "+role+" NOLOGIN")
	terminate(t, admin)
	dbtest.WaitFor(t, "three failed reconnections", func() bool { return len(w.all()) >= 3 })
	exec(t, admin, "ALTER ROLE "+role+" LOGIN")
	waitNotified(t, admin, got)
	first := w.all()
	for i := 1; i < 3; i++ {
		if first[i] <= first[i-1] {
			t.Errorf("the back-off does not grow while the server stays away: %v", first)
		}
	}

	// Second outage: the first wait is the initial one again.
	terminate(t, admin)
	dbtest.WaitFor(t, "a reconnection after the second outage", func() bool { return len(w.all()) > len(first) })
	waitNotified(t, admin, got)
	all := w.all()
	if first[0] != initialBackoff || all[len(first)] != initialBackoff {
		t.Fatalf("first waits after each outage: %v and %v, want %v both (all waits: %v)", first[0], all[len(first)], initialBackoff, all)
	}
}

func loginRole(t *testing.T, url string) string {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.User
}

func exec(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// terminate ends the listener's backend, as a server restart or a network
// cut would.
func terminate(t *testing.T, admin *pgx.Conn) {
	t.Helper()
	var n int
	err := admin.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = 'piazza-listener' AND datname = current_database()`).Scan(&n)
	if err != nil || n == 0 {
		t.Fatalf("terminated %d listener backends (%v)", n, err)
	}
}

// waitNotified notifies until the listener hands a notification over: it
// is listening again.
func waitNotified(t *testing.T, admin *pgx.Conn, got chan string) {
	t.Helper()
	for len(got) > 0 {
		<-got
	}
	dbtest.WaitFor(t, "a notification after reconnecting", func() bool {
		exec(t, admin, "NOTIFY piazza_test, 'ping'")
		select {
		case <-got:
			return true
		case <-time.After(20 * time.Millisecond):
			return false
		}
	})
}
