package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// A second cluster whose port another program holds (the cluster of
// another data directory, say) starts on a free port; a command that finds
// it running follows that port; it stops only when no client is left, and
// names the clients that keep it running.
func TestClusterPortTakenAndStop(t *testing.T) {
	ctx := context.Background()
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	taken := held.Addr().(*net.TCPAddr).Port
	dir := t.TempDir()
	var mu sync.Mutex
	var logged []string
	opts := Options{Dir: dir, Port: taken, NoFsync: true, Log: func(m string) {
		mu.Lock()
		logged = append(logged, m)
		mu.Unlock()
	}}
	c, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("start on a taken port: %v", err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	if c.Port() == taken || c.Port() == 0 {
		t.Fatalf("listens on port %d, the taken one was %d", c.Port(), taken)
	}
	tcp := connect(t, fmt.Sprintf("host=127.0.0.1 port=%d user=postgres password=%s dbname=postgres sslmode=disable application_name=someone-else", c.Port(), c.password))

	again, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("start while running: %v", err)
	}
	if again.Port() != c.Port() || again.Started() {
		t.Fatalf("a second command sees port %d (started: %v), the server listens on %d", again.Port(), again.Started(), c.Port())
	}
	if stopped, err := again.StopIfIdle(ctx, true); stopped || err != nil {
		t.Fatalf("stopped with a client connected: %v %v", stopped, err)
	}
	mu.Lock()
	last := logged[len(logged)-1]
	mu.Unlock()
	if !strings.Contains(last, "1 other connections (someone-else)") {
		t.Errorf("the clients keeping the server running are not named: %q", last)
	}
	tcp.Close(ctx)
	if stopped, err := again.StopIfIdle(ctx, true); !stopped || err != nil {
		t.Fatalf("not stopped once its last client left: %v %v", stopped, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("still running (postmaster.pid: %v)", err)
	}
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// A process that finds the server running counts as its client until it
// is done: the process that started it, stopping first (a `piazza dev`
// restarted while the old one exits, a command run beside it), leaves it
// running for the other, which then stops it when it is done.
func TestAdopterKeepsTheServer(t *testing.T) {
	ctx := context.Background()
	opts := Options{Dir: t.TempDir(), NoFsync: true}
	first, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = first.Stop() })
	second, err := Start(ctx, opts)
	if err != nil || second.Started() {
		t.Fatalf("a second start while running: %v (started: %v)", err, second.Started())
	}
	if stopped, err := first.StopIfIdle(ctx, false); stopped || err != nil {
		t.Fatalf("the first stopped the server the second uses: %v %v", stopped, err)
	}
	conn := connect(t, second.SuperuserURL("postgres"))
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("the second's server: %v", err)
	}
	conn.Close(ctx)
	if stopped, err := second.StopIfIdle(ctx, true); !stopped || err != nil {
		t.Fatalf("the second, done, did not stop it: %v %v", stopped, err)
	}
	if _, err := os.Stat(filepath.Join(opts.Dir, "data", "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("still running (postmaster.pid: %v)", err)
	}
}
