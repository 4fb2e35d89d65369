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
