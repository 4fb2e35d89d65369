// Command piazza-load measures Piazza under load. It seeds tenants, members
// and content through the project's own code (the tenant registry,
// provisioning, sessions), drives HTTP load at the signed-in dashboard and at
// community pages across many tenant hosts, and prints throughput and
// latency percentiles; the pgbench mode prints the same figures for
// `pgbench -S` on the same PostgreSQL, for comparison.
//
//	piazza-load seed -tenants 100 -users 20 -items 50
//	piazza-load run -addr 127.0.0.1:8080 -c 64 -d 30s
//	piazza-load pgbench -c 64 -d 30s
//
// Without -db it uses the private cluster of `piazza dev` (.piazza/pg).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/piazza-pa/piazza/platform/pgcluster"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	ctx := context.Background()
	var err error
	switch os.Args[1] {
	case "seed":
		err = seedCommand(ctx, os.Args[2:])
	case "run":
		err = runCommand(ctx, os.Args[2:])
	case "pgbench":
		err = pgbenchCommand(ctx, os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "piazza-load:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: piazza-load seed|run|pgbench [flags] (-h for the flags)")
	os.Exit(2)
}

// dataDir is where `piazza dev` keeps its cluster and where the seed writes
// its sessions.
func dataDir() string {
	if d := os.Getenv("PIAZZA_DATA_DIR"); d != "" {
		return d
	}
	return ".piazza"
}

// database returns the application's URL and a superuser URL: from flags,
// else from the private cluster of `piazza dev` (started if needed).
func database(ctx context.Context, app, super string) (string, string, func(), error) {
	if app != "" {
		return app, super, func() {}, nil
	}
	port := 15432
	if p := os.Getenv("PIAZZA_PG_PORT"); p != "" {
		fmt.Sscan(p, &port)
	}
	c, err := pgcluster.Start(ctx, pgcluster.Options{Dir: filepath.Join(dataDir(), "pg"), Port: port, Log: func(string) {}})
	if err != nil {
		return "", "", nil, err
	}
	url, err := c.EnsureDatabase(ctx, "piazza", "piazza")
	if err != nil {
		return "", "", nil, err
	}
	stop := func() {
		if c.Started() {
			_ = c.Stop()
		}
	}
	return url, c.SuperuserURL("piazza"), stop, nil
}

// Target is one signed-in member the load acts as.
type Target struct {
	Host      string  `json:"host"`
	Cookie    string  `json:"cookie"`
	Community []int64 `json:"communities"`
}

func sessionsFile() string { return filepath.Join(dataDir(), "load-sessions.json") }

func writeTargets(ts []Target) error {
	b, err := json.Marshal(ts)
	if err != nil {
		return err
	}
	return os.WriteFile(sessionsFile(), b, 0o600)
}

func readTargets() ([]Target, error) {
	b, err := os.ReadFile(sessionsFile())
	if err != nil {
		return nil, fmt.Errorf("no seeded sessions (run `piazza-load seed` first): %w", err)
	}
	var ts []Target
	return ts, json.Unmarshal(b, &ts)
}

func flags(name string, args []string, define func(fs *flag.FlagSet)) error {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	define(fs)
	return fs.Parse(args)
}
