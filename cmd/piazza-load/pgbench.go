package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func osStdout() *os.File { return os.Stdout }

// pgbenchCommand runs `pgbench -S` (select-only) on the same PostgreSQL and
// prints its throughput and latency percentiles from pgbench's
// per-transaction log, in the format of the HTTP run.
func pgbenchCommand(ctx context.Context, args []string) error {
	var conns, scale int
	var dur time.Duration
	var superURL, protocol string
	err := flags("pgbench", args, func(fs *flag.FlagSet) {
		fs.StringVar(&protocol, "M", "prepared", "pgbench's query protocol: simple, extended or prepared (its best)")
		fs.IntVar(&conns, "c", 64, "concurrent connections")
		fs.DurationVar(&dur, "d", 30*time.Second, "how long")
		fs.IntVar(&scale, "s", 10, "pgbench scale when initialising")
		fs.StringVar(&superURL, "super-db", "", "a URL with rights to create pgbench's tables (default: piazza dev's cluster)")
	})
	if err != nil {
		return err
	}
	app := ""
	if superURL != "" {
		app = superURL
	}
	_, super, stop, err := database(ctx, app, superURL)
	if err != nil {
		return err
	}
	defer stop()
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		bin = "/usr/lib/postgresql/15/bin/pgbench"
	}
	if out, err := exec.CommandContext(ctx, bin, "-i", "-q", "-s", strconv.Itoa(scale), super).CombinedOutput(); err != nil {
		return fmt.Errorf("pgbench -i: %v: %s", err, out)
	}
	dir, err := os.MkdirTemp("", "piazza-pgbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	prefix := filepath.Join(dir, "tx")
	cmd := exec.CommandContext(ctx, bin, "-S", "-n", "-M", protocol, "-c", strconv.Itoa(conns), "-j", strconv.Itoa(min(conns, 4)),
		"-T", strconv.Itoa(int(dur.Seconds())), "-l", "--log-prefix="+prefix, super)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pgbench -S: %v: %s", err, out)
	}
	res := Result{Elapsed: time.Since(start)}
	logs, _ := filepath.Glob(prefix + "*")
	for _, l := range logs {
		if err := readLog(l, &res); err != nil {
			return err
		}
	}
	if len(res.Latencies) > 0 {
		res.Elapsed = dur
	}
	res.Print(os.Stdout, fmt.Sprintf("pgbench -S (%d conns)", conns))
	return nil
}

// readLog reads pgbench's per-transaction log: client, transaction, latency
// in microseconds, …
func readLog(path string, res *Result) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 {
			continue
		}
		us, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil {
			continue
		}
		res.Requests++
		res.Latencies = append(res.Latencies, time.Duration(us)*time.Microsecond)
	}
	return sc.Err()
}
