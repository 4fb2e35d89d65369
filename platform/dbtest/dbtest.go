// Package dbtest gives tests a real PostgreSQL: one private cluster per test
// binary (started from the PostgreSQL installed on the machine) and a fresh
// database with its own login role per test, with the control schema
// migrated. Set PIAZZA_TEST_DATABASE_URL to a superuser connection string to
// use an existing server instead.
package dbtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/migrations"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/migrate"
	"github.com/piazza-pa/piazza/platform/pgcluster"
)

var (
	mu       sync.Mutex
	adminURL string               // superuser connection to the test server
	clusters []*pgcluster.Cluster // started by this binary, stopped by Main
	durable  string               // superuser URL of the fsync-on cluster, once started
	tcp      string               // superuser URL, over TCP, of the cluster that listens on it, once started
	tempDirs []string
)

// Main starts the test cluster, runs the tests and stops it; use it from
// TestMain: func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }.
func Main(m *testing.M) int {
	if u := os.Getenv("PIAZZA_TEST_DATABASE_URL"); u != "" {
		adminURL = u
		return m.Run()
	}
	url, err := startCluster(true, false)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dbtest:", err)
		return 1
	}
	adminURL = url
	defer cleanup()
	return m.Run()
}

func startCluster(noFsync, overTCP bool) (string, error) {
	dir, err := os.MkdirTemp("", "piazza-pg-")
	if err != nil {
		return "", err
	}
	tempDirs = append(tempDirs, dir)
	opts := pgcluster.Options{Dir: dir, NoFsync: noFsync}
	if overTCP {
		opts.Port = 15500 // another is chosen when it is taken
	}
	c, err := pgcluster.Start(context.Background(), opts)
	if err != nil {
		return "", err
	}
	clusters = append(clusters, c)
	if !overTCP {
		return c.SuperuserURL("postgres"), nil
	}
	cfg, err := pgx.ParseConfig(c.SuperuserURL("postgres"))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("host=127.0.0.1 port=%d user=%s password=%s dbname=postgres sslmode=disable", c.Port(), cfg.User, cfg.Password), nil
}

func cleanup() {
	for _, c := range clusters {
		if err := c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "dbtest: stop cluster:", err)
		}
	}
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
}

// groupKey is the key the login groups' passwords derive from in tests:
// the PIAZZA_SECRET_KEY the tests give piazza's commands (hex "abab…"), so
// that a command and the test's pool open the same groups.
func groupKey() []byte { return bytes.Repeat([]byte{0xab}, 32) }

// DB is one test's database.
type DB struct {
	*bun.DB
	// URL connects as the test's login role (as PIAZZA_DATABASE_URL would).
	URL string
	// AdminURL connects to the same database as a superuser, for inspection.
	AdminURL string
}

// New creates a database and login role for t, migrates the control schema
// and returns the open pool; both are dropped when t ends.
func New(t testing.TB) *DB {
	t.Helper()
	mu.Lock()
	admin := adminURL
	mu.Unlock()
	return newOn(t, admin)
}

// NewDurable is New on a cluster that keeps fsync on, for benchmarks whose
// figures must match a production server's durability.
func NewDurable(t testing.TB) *DB {
	t.Helper()
	return newOn(t, other(t, &durable, "durable cluster", false, false))
}

// NewTCP is New on a cluster whose connections go over TCP (127.0.0.1),
// as a server's usually do, for tests of what a connection sees there: a
// backend the server ends tells why before the connection closes.
func NewTCP(t testing.TB) *DB {
	t.Helper()
	return newOn(t, other(t, &tcp, "cluster over TCP", true, true))
}

// other is the superuser URL of a cluster besides the test cluster, kept
// in *url and started the first time (the test server itself when
// PIAZZA_TEST_DATABASE_URL names one).
func other(t testing.TB, url *string, what string, noFsync, overTCP bool) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if *url == "" && os.Getenv("PIAZZA_TEST_DATABASE_URL") == "" {
		u, err := startCluster(noFsync, overTCP)
		if err != nil {
			t.Fatalf("start %s: %v", what, err)
		}
		*url = u
	}
	if *url == "" {
		return adminURL
	}
	return *url
}

func newOn(t testing.TB, admin string) *DB {
	t.Helper()
	if admin == "" {
		t.Fatal("dbtest: no test cluster; call dbtest.Main from TestMain")
	}
	ctx := context.Background()
	name := "piazza_test_" + randomHex(6)
	password := randomHex(16)

	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("dbtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if err := pgcluster.CreateLoginRole(ctx, conn, name, password); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	if err := pgcluster.CreateDatabase(ctx, conn, name, name); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	d := &DB{
		URL:      fmt.Sprintf("host=%s port=%d user=%s password=%s dbname=%s sslmode=disable", cfg.Host, cfg.Port, name, password, name),
		AdminURL: fmt.Sprintf("host=%s port=%d user=%s password=%s dbname=%s sslmode=disable", cfg.Host, cfg.Port, cfg.User, cfg.Password, name),
	}
	d.DB, err = db.Open(ctx, d.URL, 10, groupKey())
	if err != nil {
		t.Fatalf("dbtest: open: %v", err)
	}
	if _, err := migrate.Control(ctx, d.DB, migrations.Control()); err != nil {
		t.Fatalf("dbtest: migrate control: %v", err)
	}
	t.Cleanup(func() {
		d.DB.Close()
		drop(admin, name)
	})
	return d
}

// drop removes the test database and every role it created (the login role
// and the tenants' roles and login groups, which share its installation
// prefix).
func drop(admin, name string) {
	ctx := context.Background()
	prefix := rolePrefix(ctx, admin, name)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	rows, err := conn.Query(ctx, `SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.roleid = r.oid
		JOIN pg_roles l ON l.oid = m.member WHERE l.rolname = $1
		UNION SELECT rolname FROM pg_roles WHERE $2 <> '' AND starts_with(rolname, $2 || '_')`, name, prefix)
	if err == nil {
		roles, _ := pgx.CollectRows(rows, pgx.RowTo[string])
		for _, r := range roles {
			_, _ = conn.Exec(ctx, "DROP ROLE IF EXISTS "+pgx.Identifier{r}.Sanitize())
		}
	}
	_, _ = conn.Exec(ctx, "DROP ROLE IF EXISTS "+pgx.Identifier{name}.Sanitize())
}

// rolePrefix reads the installation's role prefix from database name ("" if
// it cannot).
func rolePrefix(ctx context.Context, admin, name string) string {
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		return ""
	}
	cfg.Database = name
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return ""
	}
	defer conn.Close(ctx)
	var prefix string
	_ = conn.QueryRow(ctx, "SELECT role_prefix FROM piazza.installation").Scan(&prefix)
	return prefix
}

// Admin opens a superuser connection to d's database, closed when t ends.
func (d *DB) Admin(t testing.TB) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), d.AdminURL)
	if err != nil {
		t.Fatalf("dbtest: admin connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// WaitFor waits, up to 5 s, for cond to hold: for what a notification from
// the database sets in motion on another connection (not a timing test).
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
