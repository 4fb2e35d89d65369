// Package pgcluster runs a private PostgreSQL cluster from the PostgreSQL
// installed on the machine, for `piazza dev`, the CLI and the tests, so that
// nothing has to be set up by hand.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNotInstalled means no PostgreSQL server binaries were found.
var ErrNotInstalled = errors.New(`PostgreSQL is not installed: no initdb or pg_ctl on PATH or under /usr/lib/postgresql/*/bin.
Install it, then run the command again:
  Debian/Ubuntu: sudo apt-get install postgresql
  macOS:         brew install postgresql@15
or point PIAZZA_DATABASE_URL at an existing server`)

// Options configure a cluster.
type Options struct {
	// Dir is the cluster's directory; the data lives in Dir/data.
	Dir string
	// Port is the loopback TCP port; 0 means Unix socket only. When another
	// program holds it, the server listens on a free port instead
	// (Cluster.Port tells which).
	Port int
	// Fsync off trades durability for speed (tests only).
	NoFsync bool
	// Log receives one line per step; may be nil.
	Log func(msg string)
}

// Cluster is a running private cluster.
type Cluster struct {
	opts     Options
	bin      string
	run      *user.User // nil when not running as root
	password string
	started  bool // this process started it, so it stops it
	// hold is the connection by which a process that found the server
	// running (and did not start it) counts as its client until
	// StopIfIdle: the process that started it, stopping, then leaves it
	// running rather than stopping it under this one.
	hold *pgx.Conn
}

const superuser = "postgres"

// Start initialises the cluster on first use, starts it unless it is already
// running, and returns it. Concurrent callers on the same Dir are serialised.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	opts.Dir = absPath(opts.Dir)
	c := &Cluster{opts: opts, bin: bin}
	if os.Geteuid() == 0 {
		if c.run, err = unprivilegedUser(); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create cluster directory: %w", err)
	}
	unlock, err := lockDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := c.makeTraversable(); err != nil {
		return nil, err
	}
	if err := c.init(ctx); err != nil {
		return nil, err
	}
	if c.running(ctx) {
		c.logf("PostgreSQL already running in %s", c.dataDir())
		c.adoptPort()
		if err := c.waitReady(ctx); err != nil {
			return nil, err
		}
		held, err := c.adopt(ctx)
		if err != nil {
			return nil, err
		}
		if held {
			return c, nil
		}
	}
	if err := c.choosePort(); err != nil {
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	c.started = true
	return c, c.waitReady(ctx)
}

// adopt connects to the server found running and keeps the connection
// (hold). A server that cannot take connections yet or any more (starting
// up, or shutting down: stopped by a process that did not wait for the
// directory's lock) is tried again until it does, or has stopped: false,
// and the caller starts it again.
func (c *Cluster) adopt(ctx context.Context) (bool, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, c.SuperuserURL("postgres")+" application_name=piazza")
		if err == nil {
			c.hold = conn
			return true, nil
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "57P03" || time.Now().After(deadline) { // 57P03: cannot connect now
			return false, fmt.Errorf("connect to the running PostgreSQL: %w", err)
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if !c.running(ctx) {
			c.logf("PostgreSQL stopped in %s while it was adopted: starting it again", c.dataDir())
			return false, nil
		}
	}
}

// Started reports whether this process started the server (and so owns its stop).
func (c *Cluster) Started() bool { return c.started }

// Stop stops the server if this process started it.
func (c *Cluster) Stop() error {
	if !c.started {
		return nil
	}
	c.started = false
	c.logf("stopping PostgreSQL")
	return c.pgctl(context.Background(), "stop", "-m", "fast", "-w", "-t", "60")
}

// Port is the loopback TCP port the server listens on, 0 if none.
func (c *Cluster) Port() int { return c.opts.Port }

// SocketDir is the directory of the server's Unix socket.
func (c *Cluster) SocketDir() string { return c.socketDir() }

// URL returns a connection string for user and database over the Unix socket.
func (c *Cluster) URL(user, password, database string) string {
	return fmt.Sprintf("host=%s port=%d user=%s password=%s dbname=%s sslmode=disable",
		c.socketDir(), c.port(), user, password, database)
}

// SuperuserURL connects as the cluster's bootstrap superuser.
func (c *Cluster) SuperuserURL(database string) string {
	return c.URL(superuser, c.password, database)
}

func (c *Cluster) dataDir() string   { return filepath.Join(c.opts.Dir, "data") }
func (c *Cluster) socketDir() string { return filepath.Join(c.opts.Dir, "run") }
func (c *Cluster) pwPath() string    { return filepath.Join(c.opts.Dir, "superuser.password") }

func (c *Cluster) port() int {
	if c.opts.Port != 0 {
		return c.opts.Port
	}
	return 5432
}

func (c *Cluster) logf(format string, args ...any) {
	if c.opts.Log != nil {
		c.opts.Log(fmt.Sprintf(format, args...))
	}
}

// init runs initdb once and writes the settings this cluster runs with.
func (c *Cluster) init(ctx context.Context) error {
	if pw, err := os.ReadFile(c.pwPath()); err == nil {
		if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err == nil {
			c.password = strings.TrimSpace(string(pw))
			return c.writeConf()
		}
	}
	c.logf("initialising a private PostgreSQL cluster in %s", c.dataDir())
	_ = os.RemoveAll(c.dataDir())
	c.password = randomHex(24)
	pwfile := filepath.Join(c.opts.Dir, "initdb.pw")
	if err := os.WriteFile(pwfile, []byte(c.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("write password file: %w", err)
	}
	defer os.Remove(pwfile)
	for _, p := range []string{c.dataDir(), c.socketDir(), pwfile} {
		if err := c.own(p); err != nil {
			return err
		}
	}
	args := []string{"-D", c.dataDir(), "-U", superuser, "--pwfile", pwfile,
		"--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-instructions"}
	if c.opts.NoFsync {
		args = append(args, "--no-sync")
	}
	if out, err := c.command(ctx, filepath.Join(c.bin, "initdb"), args...).CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if err := os.WriteFile(c.pwPath(), []byte(c.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("write password: %w", err)
	}
	return c.writeConf()
}

// writeConf keeps the socket, port and durability settings in an included file,
// so that they follow Options on every start.
func (c *Cluster) writeConf() error {
	listen := "''"
	if c.opts.Port != 0 {
		listen = "'127.0.0.1'"
	}
	fsync := "on"
	if c.opts.NoFsync {
		fsync = "off"
	}
	conf := fmt.Sprintf(`# written by piazza on every start
listen_addresses = %s
port = %d
unix_socket_directories = '%s'
fsync = %s
synchronous_commit = %s
full_page_writes = %s
max_connections = 200
shared_buffers = 128MB
log_min_messages = warning
`, listen, c.port(), c.socketDir(), fsync, fsync, fsync)
	path := filepath.Join(c.dataDir(), "piazza.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return fmt.Errorf("write cluster settings: %w", err)
	}
	main := filepath.Join(c.dataDir(), "postgresql.conf")
	b, err := os.ReadFile(main)
	if err != nil {
		return fmt.Errorf("read postgresql.conf: %w", err)
	}
	if !bytes.Contains(b, []byte("include_if_exists = 'piazza.conf'")) {
		b = append(b, "\ninclude_if_exists = 'piazza.conf'\n"...)
		if err := os.WriteFile(main, b, 0o600); err != nil {
			return fmt.Errorf("write postgresql.conf: %w", err)
		}
	}
	return c.own(path)
}

func (c *Cluster) running(ctx context.Context) bool {
	return c.pgctl(ctx, "status") == nil
}

func (c *Cluster) start(ctx context.Context) error {
	c.logf("starting PostgreSQL (socket in %s)", c.socketDir())
	logFile := filepath.Join(c.opts.Dir, "postgresql.log")
	if err := touch(logFile); err != nil {
		return err
	}
	if err := c.own(logFile); err != nil {
		return err
	}
	if err := c.pgctl(ctx, "start", "-w", "-t", "60", "-l", logFile); err != nil {
		tail, _ := os.ReadFile(logFile)
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return fmt.Errorf("start PostgreSQL: %w\n%s", err, tail)
	}
	return nil
}

// waitReady waits until the server accepts connections on its socket.
func (c *Cluster) waitReady(ctx context.Context) error {
	sock := filepath.Join(c.socketDir(), ".s.PGSQL."+strconv.Itoa(c.port()))
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.Dial("unix", sock)
		if err == nil {
			conn.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("PostgreSQL did not accept connections on %s: %w", sock, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (c *Cluster) pgctl(ctx context.Context, args ...string) error {
	args = append(args, "-D", c.dataDir())
	out, err := c.command(ctx, filepath.Join(c.bin, "pg_ctl"), args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %w: %s", args[0], err, bytes.TrimSpace(out))
	}
	return nil
}

// command runs a PostgreSQL program, as an unprivileged user when we are root:
// the server refuses to run as root.
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = c.opts.Dir
	if c.run != nil {
		uid, _ := strconv.Atoi(c.run.Uid)
		gid, _ := strconv.Atoi(c.run.Gid)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		cmd.Env = append(os.Environ(), "HOME="+c.run.HomeDir, "USER="+c.run.Username, "LOGNAME="+c.run.Username)
	}
	// The postmaster outlives this command: keep it out of our process group
	// so that a Ctrl-C reaches piazza, which then stops it cleanly.
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	return cmd
}

// own hands path (created if missing, as a directory unless it exists) to the
// unprivileged user when we are root.
func (c *Cluster) own(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(path, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", path, err)
		}
	}
	if c.run == nil {
		return nil
	}
	uid, _ := strconv.Atoi(c.run.Uid)
	gid, _ := strconv.Atoi(c.run.Gid)
	if err := os.Chown(path, uid, gid); err != nil {
		return fmt.Errorf("hand %s to user %s: %w", path, c.run.Username, err)
	}
	return nil
}

// makeTraversable lets the unprivileged user reach the cluster directory
// through every parent directory.
func (c *Cluster) makeTraversable() error {
	if c.run == nil {
		return nil
	}
	if err := c.own(c.opts.Dir); err != nil {
		return err
	}
	for dir := filepath.Dir(c.opts.Dir); dir != "/" && dir != "."; dir = filepath.Dir(dir) {
		st, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("cluster directory parent: %w", err)
		}
		if st.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(dir, st.Mode().Perm()|0o711); err != nil {
				return fmt.Errorf("make %s traversable for user %s: %w", dir, c.run.Username, err)
			}
		}
	}
	return nil
}
