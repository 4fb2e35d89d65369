// Command piazza-load measures Piazza under load. It seeds tenants through
// the project's own code (the tenant registry and provisioning) and their
// content through SQL in each tenant's transaction: people with profiles
// and sessions, organisations, communities, news, discussions and their
// replies, collaboration proposals with expressions of interest and work
// groups, projects with their plans, budgets and progress reports, in
// Italian and English, at a small tenant's figures or at a
// region's; it drives HTTP load at any page as those members and prints
// throughput, latency percentiles, errors by status and the server's
// memory; the pgbench mode prints the same figures for `pgbench -S` on the
// same PostgreSQL, for comparison.
//
//	piazza-load seed -tenants 100 -users 20 -news 50
//	piazza-load seed -prefix region -tenants 1 -users 22000 -organizations 2400 -communities 700 -news 6800 -discussions 3000 -replies 4 -joins 3 -proposals 16000 -interests 500
//	piazza-load run -addr 127.0.0.1:8080 -c 16 -d 30s -pages news,news-item,search
//	piazza-load run -c 16 -d 20s -warm=false -pages proposals,proposal-item,proposal-own,search-common
//	piazza-load seed -prefix projects -tenants 1 -users 40 -organizations 20 -projects 2
//	piazza-load run -c 16 -d 20s -warm=false -pages budget
//	piazza-load pgbench -c 16 -d 30s
//	piazza-load provision -n 100 -probe load-0001
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
	case "provision":
		err = provisionCommand(ctx, os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "piazza-load:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: piazza-load seed|run|pgbench|provision [flags] (-h for the flags)")
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

// Site is one seeded tenant as the load sees it: its host, its members
// signed in, and what they may open.
type Site struct {
	Host    string   `json:"host"`
	Members []Member `json:"members"`
	// News and Discussions are the published items, by who may see them;
	// Proposals the published and closed ones.
	News        Items `json:"news"`
	Discussions Items `json:"discussions"`
	Proposals   Items `json:"proposals"`
	// Proposers are the members with a published proposal of their own
	// (positions in Members).
	Proposers []int `json:"proposers"`
	// Communities are the open and reserved communities (their pages are
	// shown to every member); Organizations and People the validated ones.
	Communities   []int64 `json:"communities"`
	Organizations []int64 `json:"organizations"`
	People        []int64 `json:"people"`
	// Projects are the projects with their manager (a position in
	// Members), who opens their timeline.
	Projects []Project `json:"projects,omitempty"`
}

// Project is a project and the member who manages it.
type Project struct {
	ID      int64 `json:"id"`
	Manager int   `json:"manager"`
}

// Member is one signed-in member the load acts as.
type Member struct {
	ID     int64  `json:"id"`
	Cookie string `json:"cookie"`
	// Communities are those the member belongs to (active).
	Communities []int64 `json:"communities"`
	// Proposals are the member's own published proposals.
	Proposals []int64 `json:"proposals,omitempty"`
}

// Items are the ids of a content type's published items: those for every
// member, and those for the members of a community.
type Items struct {
	All         []int64           `json:"all"`
	ByCommunity map[int64][]int64 `json:"by_community"`
}

func sessionsFile() string { return filepath.Join(dataDir(), "load-sessions.json") }

func writeSites(sites []Site) error {
	b, err := json.Marshal(sites)
	if err != nil {
		return err
	}
	return os.WriteFile(sessionsFile(), b, 0o600)
}

func readSites() ([]Site, error) {
	b, err := os.ReadFile(sessionsFile())
	if err != nil {
		return nil, fmt.Errorf("no seeded sessions (run `piazza-load seed` first): %w", err)
	}
	var sites []Site
	if err := json.Unmarshal(b, &sites); err != nil {
		return nil, fmt.Errorf("%s: %w (seeded by an older piazza-load? seed again)", sessionsFile(), err)
	}
	return sites, nil
}

func flags(name string, args []string, define func(fs *flag.FlagSet)) error {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	define(fs)
	return fs.Parse(args)
}
