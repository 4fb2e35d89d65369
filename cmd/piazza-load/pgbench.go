package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// pgbenchRun is one `pgbench -S` run's settings.
type pgbenchRun struct {
	bin, url, protocol string
	clients            int
	dur                time.Duration
}

func (r pgbenchRun) threads() int { return min(r.clients, 4) }

func (r pgbenchRun) String() string {
	return fmt.Sprintf("pgbench -S -M %s -c %d -j %d -T %d", r.protocol, r.clients, r.threads(), int(r.dur.Seconds()))
}

// pgbenchCommand runs `pgbench -S` (select-only) on the same PostgreSQL at
// its best setting (-best clients, prepared statements) and at the
// concurrency of the Piazza run (-c), and prints both, with their settings,
// in the format of the HTTP run, from pgbench's per-transaction log.
func pgbenchCommand(ctx context.Context, args []string) error {
	var conns, best, scale int
	var dur time.Duration
	var superURL, protocol string
	err := flags("pgbench", args, func(fs *flag.FlagSet) {
		fs.StringVar(&protocol, "M", "prepared", "pgbench's query protocol: simple, extended or prepared (its best)")
		fs.IntVar(&conns, "c", 64, "concurrent connections, as the Piazza run being compared")
		fs.IntVar(&best, "best", 8, "the clients of pgbench's best setting, run first (0: skip)")
		fs.DurationVar(&dur, "d", 30*time.Second, "how long each run")
		fs.IntVar(&scale, "s", 10, "pgbench scale when initialising")
		fs.StringVar(&superURL, "super-db", "", "a URL with rights to create pgbench's tables (default: piazza dev's cluster)")
	})
	if err != nil {
		return err
	}
	_, super, stop, err := database(ctx, superURL, superURL)
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
	runs := []pgbenchRun{}
	if best > 0 {
		runs = append(runs, pgbenchRun{bin: bin, url: super, protocol: "prepared", clients: best, dur: dur})
	}
	if best == 0 || conns != best || protocol != "prepared" {
		runs = append(runs, pgbenchRun{bin: bin, url: super, protocol: protocol, clients: conns, dur: dur})
	}
	for i, r := range runs {
		res, err := r.run(ctx)
		if err != nil {
			return err
		}
		label := r.String()
		if i == 0 && best > 0 {
			label += " (best)"
		}
		res.Print(stdout, label)
	}
	return nil
}

// run runs pgbench and reads its log.
func (r pgbenchRun) run(ctx context.Context) (Result, error) {
	dir, err := os.MkdirTemp("", "piazza-pgbench-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	prefix := filepath.Join(dir, "tx")
	cmd := exec.CommandContext(ctx, r.bin, "-S", "-n", "-M", r.protocol, "-c", strconv.Itoa(r.clients), "-j", strconv.Itoa(r.threads()),
		"-T", strconv.Itoa(int(r.dur.Seconds())), "-l", "--log-prefix="+prefix, r.url)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return Result{}, fmt.Errorf("%s: %v: %s", r, err, out)
	}
	res := Result{Elapsed: time.Since(start)}
	logs, _ := filepath.Glob(prefix + "*")
	for _, l := range logs {
		f, err := os.Open(l)
		if err != nil {
			return res, err
		}
		err = readLog(f, &res)
		f.Close()
		if err != nil {
			return res, err
		}
	}
	if len(res.Latencies) > 0 {
		res.Elapsed = r.dur
	}
	return res, nil
}

// readLog reads pgbench's per-transaction log: client, transaction, latency
// in microseconds, …
func readLog(in io.Reader, res *Result) error {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 {
			continue
		}
		us, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil {
			continue
		}
		res.record(200, time.Duration(us)*time.Microsecond)
	}
	return sc.Err()
}
