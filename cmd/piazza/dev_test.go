package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// playPiazza is set in the environment of a test binary started to play
// the piazza command (see TestMain).
const playPiazza = "PIAZZA_TEST_PLAY_PIAZZA"

// TestDevStopsItsCluster: `piazza dev` stopped with Ctrl-C or SIGTERM
// leaves no PostgreSQL behind, and it starts although another program holds
// the cluster's configured port (another `piazza dev`, say).
func TestDevStopsItsCluster(t *testing.T) {
	dir := t.TempDir()
	t.Cleanup(func() { stopLeftover(t, dir) })
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	pgPort := held.Addr().(*net.TCPAddr).Port
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
			logPath := filepath.Join(t.TempDir(), "piazza.log")
			d := startDev(t, logPath, "PIAZZA_DATA_DIR="+dir, "PIAZZA_ADDR="+addr, "PIAZZA_PG_PORT="+strconv.Itoa(pgPort))
			waitHealthy(t, addr, d, logPath)
			pid := postmasterPID(t, dir)
			if err := d.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-d.done:
			case <-time.After(2 * time.Minute):
				t.Fatalf("piazza dev did not exit after %s:\n%s", sig, tail(logPath))
			}
			if _, err := os.Stat(filepath.Join(dir, "pg", "data", "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("PostgreSQL left running after %s (postmaster.pid: %v):\n%s", sig, err, tail(logPath))
			}
			if alive(pid) {
				t.Fatalf("the postmaster (pid %d) is still running after %s", pid, sig)
			}
		})
	}
}

// dev is a `piazza dev` running as a child process.
type dev struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startDev runs this test binary as `piazza dev` with env, its output in logPath.
func startDev(t *testing.T, logPath string, env ...string) *dev {
	t.Helper()
	out, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "dev")
	cmd.Env = append(os.Environ(), append([]string{playPiazza + "=1", "PIAZZA_DATABASE_URL=", "PIAZZA_LOG_FORMAT=text"}, env...)...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &dev{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		out.Close()
		close(d.done)
	}()
	t.Cleanup(func() {
		select {
		case <-d.done:
		default:
			_ = cmd.Process.Kill()
			<-d.done
		}
	})
	return d
}

// waitHealthy waits until the server answers /healthz.
func waitHealthy(t *testing.T, addr string, d *dev, logPath string) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-d.done:
			t.Fatalf("piazza dev exited before serving:\n%s", tail(logPath))
		default:
		}
		if resp, err := client.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("piazza dev never answered /healthz:\n%s", tail(logPath))
}

func postmasterPID(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "pg", "data", "postmaster.pid"))
	if err != nil {
		t.Fatalf("the private cluster is not running: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		t.Fatalf("postmaster.pid: %v", err)
	}
	return pid
}

// alive reports whether process pid runs (a zombie, waiting for its parent
// to reap it, has stopped).
func alive(pid int) bool {
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		if i := bytes.LastIndexByte(b, ')'); i > 0 && i+2 < len(b) {
			return b[i+2] != 'Z'
		}
	}
	return syscall.Kill(pid, 0) == nil
}

// stopLeftover stops a cluster that piazza dev failed to stop, so that the
// test leaves no server behind even when it fails.
func stopLeftover(t *testing.T, dir string) {
	b, err := os.ReadFile(filepath.Join(dir, "pg", "data", "postmaster.pid"))
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return
	}
	_ = syscall.Kill(pid, syscall.SIGINT) // PostgreSQL's fast shutdown
	for deadline := time.Now().Add(time.Minute); alive(pid) && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
}

// tail is the end of a log, for failure messages.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
