package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/modules/proposal"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/password"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/tenant"
)

// figures are what seed puts in each tenant.
type figures struct {
	Users, Organizations, Communities, News, Discussions int
	// Proposals are collaboration proposals; Interests the expressions of
	// interest in them.
	Proposals, Interests int
	// Projects are projects of the timeline's and the budget's benchmark
	// size (forty work packages, four hundred tasks, two thousand
	// expenses), their partners among the organisations.
	Projects int
	// Documents are documents in the communities' libraries and the
	// tenant's, with folders, files' versions and links.
	Documents int
	// Joins is how many communities a person joins, on average; Replies
	// how many replies a discussion has, on average.
	Joins, Replies int
	// Seed makes the random content: the same seed and figures give the
	// same tenants.
	Seed uint64
}

// check refuses figures that cannot be seeded.
func (f figures) check() error {
	for name, n := range map[string]int{"-users": f.Users, "-organizations": f.Organizations, "-communities": f.Communities,
		"-news": f.News, "-discussions": f.Discussions, "-joins": f.Joins, "-replies": f.Replies,
		"-proposals": f.Proposals, "-interests": f.Interests, "-projects": f.Projects, "-documents": f.Documents} {
		if n < 0 {
			return fmt.Errorf("%s: %d is not a number of things", name, n)
		}
	}
	if f.Users == 0 && f.Organizations+f.Communities+f.News+f.Discussions+f.Proposals+f.Projects+f.Documents > 0 {
		return errors.New("-users: someone must create the organisations, communities and items")
	}
	if f.Projects > 0 && (f.Organizations == 0 || f.Users < 2) {
		return errors.New("-projects: a project's partners are organisations, with a referent besides the manager: give -organizations and two people or more")
	}
	if f.Interests > 0 && (f.Proposals == 0 || f.Users < 2) {
		return errors.New("-interests: expressions of interest need -proposals and people besides the proposers")
	}
	return nil
}

// seedOptions are the seed command's settings beside the figures.
type seedOptions struct {
	tenants  int
	prefix   string
	password string
	// files keeps the documents' versions: the server's file store.
	files storage.Store
	// progress receives a line per step (standard error).
	progress io.Writer
	// super is a superuser's connection, nil when the database is
	// another's (-db): the seeded tenants' tables are then left to
	// autovacuum.
	super *pgx.Conn
}

func seedCommand(ctx context.Context, args []string) error {
	var f figures
	o := seedOptions{progress: os.Stderr}
	var dbURL, base, filesDir string
	err := flags("seed", args, func(fs *flag.FlagSet) {
		fs.IntVar(&o.tenants, "tenants", 100, "tenants to provision (<prefix>-0001 …)")
		fs.StringVar(&o.prefix, "prefix", "load", "the tenants' slug prefix")
		fs.IntVar(&f.Users, "users", 20, "people per tenant, each with a profile and signed in")
		fs.IntVar(&f.Organizations, "organizations", 0, "organisations per tenant, with members")
		fs.IntVar(&f.Communities, "communities", 4, "communities per tenant (open, reserved and closed; some sub-communities)")
		fs.IntVar(&f.Joins, "joins", 2, "communities a person joins, on average")
		fs.IntVar(&f.News, "news", 50, "news items per tenant (tenant-wide, public or members-only, and in communities)")
		fs.IntVar(&f.News, "items", 50, "the same as -news")
		fs.IntVar(&f.Discussions, "discussions", 0, "discussions per tenant")
		fs.IntVar(&f.Replies, "replies", 0, "replies per discussion, on average")
		fs.IntVar(&f.Proposals, "proposals", 0, "collaboration proposals per tenant (most published, some closed; tenant-wide or in communities)")
		fs.IntVar(&f.Interests, "interests", 0, "expressions of interest per tenant, in published and closed proposals (needs -proposals)")
		fs.IntVar(&f.Projects, "projects", 0, "projects per tenant, each of 40 work packages, 400 tasks with dependencies and 40 milestones, up to 8 partners (needs -organizations) "+
			"with a budget line per category, 2,000 expenses and progress reports (the timeline's and the budget's benchmarks)")
		fs.IntVar(&f.Documents, "documents", 0, "documents per tenant, in the communities' libraries and the tenant's, in folders; "+
			"files with one to three versions (stored in -files) and links")
		fs.StringVar(&filesDir, "files", "", "a folder to keep the documents' files in (default: the server's file store, "+
			"from PIAZZA_STORAGE_URL and its keys as the server reads them, else the data directory's files)")
		fs.Uint64Var(&f.Seed, "seed", 1, "seed of the random content")
		fs.StringVar(&o.password, "password", "load-password", "every seeded person's password (local accounts are turned on)")
		fs.StringVar(&dbURL, "db", "", "the application's database URL (default: piazza dev's cluster)")
		fs.StringVar(&base, "base-domain", "localhost:8080", "the tenants' base domain (as the server's PIAZZA_BASE_DOMAIN)")
	})
	if err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	if err := password.Check(o.password); err != nil {
		return fmt.Errorf("-password: %w", err)
	}
	if f.Documents > 0 {
		if o.files, err = seedStore(ctx, filesDir); err != nil {
			return err
		}
	}
	reg, super, closeDB, err := openRegistry(ctx, dbURL, base)
	if err != nil {
		return err
	}
	defer closeDB()
	start := time.Now()
	if super != "" {
		if o.super, err = pgx.Connect(ctx, super); err != nil {
			return err
		}
		defer o.super.Close(context.WithoutCancel(ctx))
	}
	sites, err := seedTenants(ctx, reg, f, o)
	if err != nil {
		return err
	}
	fmt.Printf("seeded %d tenants in %s; %d sessions in %s\n", len(sites), time.Since(start).Round(time.Millisecond),
		members(sites), sessionsFile())
	return writeSites(sites)
}

func members(sites []Site) int {
	n := 0
	for _, s := range sites {
		n += len(s.Members)
	}
	return n
}

// seedTenants provisions the tenants that do not exist yet, fills each
// with the figures (unless it was filled with them before, or refusing if
// it holds something else) and signs every member in.
func seedTenants(ctx context.Context, reg *tenant.Registry, f figures, o seedOptions) ([]Site, error) {
	hash, err := password.Hash(o.password)
	if err != nil {
		return nil, err
	}
	var sites []Site
	for i := 1; i <= o.tenants; i++ {
		slug := fmt.Sprintf("%s-%04d", o.prefix, i)
		t, err := reg.Get(ctx, slug)
		if errors.Is(err, tenant.ErrNotFound) {
			t, err = reg.Create(ctx, tenant.CreateParams{Slug: slug, Name: fmt.Sprintf("Ente di prova %d", i)})
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", slug, err)
		}
		step := func(what string, n int, began time.Time) {
			fmt.Fprintf(o.progress, "%s: %d %s in %s\n", slug, n, what, time.Since(began).Round(time.Millisecond))
		}
		if o.tenants > 1 {
			step = func(string, int, time.Time) {}
		}
		var site Site
		err = db.InTenant(ctx, reg.DB(), t.Scope(), func(ctx context.Context, tx bun.Tx) error {
			s := newSeeder(tx, f, uint64(i), hash, step)
			s.files = o.files
			if err := s.fill(ctx, slug); err != nil {
				return err
			}
			site, err = s.site(ctx)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", slug, err)
		}
		if err := giveRoles(ctx, reg.DB(), t, site); err != nil {
			return nil, fmt.Errorf("%s: %w", slug, err)
		}
		if o.super != nil {
			began := time.Now()
			n, err := vacuum(ctx, o.super, t)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", slug, err)
			}
			step("tables vacuumed", n, began)
		}
		began := time.Now()
		n, err := rankPanels(ctx, reg.DB(), t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", slug, err)
		}
		step("proposals' matching panels ranked", n, began)
		site.Host = reg.DefaultHost(slug)
		sites = append(sites, site)
		if o.tenants > 1 && (i%10 == 0 || i == o.tenants) {
			fmt.Fprintf(o.progress, "\rseeded %d/%d tenants", i, o.tenants)
			if i == o.tenants {
				fmt.Fprintln(o.progress)
			}
		}
	}
	return sites, nil
}

// vacuum leaves t's tables as autovacuum's first pass over them would
// (their rows' visibility settled, the planner's statistics read), so that
// a benchmark run right after a seed measures a tenant in its steady state:
// on the region-sized tenant, a search's statement took 9 ms before, 5.5
// after. conn is a superuser's (VACUUM runs outside a transaction, as the
// tables' owner or a superuser).
func vacuum(ctx context.Context, conn *pgx.Conn, t *tenant.Tenant) (int, error) {
	rows, err := conn.Query(ctx, "SELECT format('%I.%I', schemaname, tablename) FROM pg_catalog.pg_tables WHERE schemaname = $1 ORDER BY tablename", t.SchemaName)
	if err != nil {
		return 0, err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) == 0 {
		return 0, err
	}
	_, err = conn.Exec(ctx, "VACUUM (ANALYZE) "+strings.Join(tables, ", "))
	return len(tables), err
}

// rankPanels ranks, as the proposals' sweep does, the matching panel of
// every open proposal of t that has no ranking (all of them after a
// first seed: a few milliseconds each), so that a run measures the panels
// as a tenant whose sweep has run shows them.
func rankPanels(ctx context.Context, idb *bun.DB, t *tenant.Tenant) (int, error) {
	const batch = 500
	total := 0
	for {
		var n int
		err := db.InTenant(tenant.NewContext(ctx, t), idb, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
			var err error
			n, err = proposal.RankDue(ctx, tx, batch)
			return err
		})
		total += n
		if err != nil || n < batch {
			return total, err
		}
	}
}

// giveRoles makes the tenant's first person its admin and the second a
// validator, so that the admin area and the validators' inbox have someone.
func giveRoles(ctx context.Context, idb bun.IDB, t *tenant.Tenant, s Site) error {
	for i, role := range []string{authz.RoleAdmin, authz.RoleValidator} {
		if i < len(s.Members) {
			if err := authz.Assign(ctx, idb, fmt.Sprintf("user:%d", s.Members[i].ID), role, t.Domain()); err != nil {
				return err
			}
		}
	}
	return nil
}

// openRegistry opens the installation's registry (piazza dev's cluster
// without dbURL) with the provisioning hook of the load's tenants, and
// the function that closes it.
func openRegistry(ctx context.Context, dbURL, base string) (*tenant.Registry, string, func(), error) {
	url, super, stop, err := database(ctx, dbURL, "")
	if err != nil {
		return nil, "", nil, err
	}
	// The servers' key: the login groups' passwords derive from it.
	var key []byte
	if k := os.Getenv("PIAZZA_SECRET_KEY"); k != "" {
		if key, err = config.DecodeKey(k); err != nil {
			stop()
			return nil, "", nil, fmt.Errorf("PIAZZA_SECRET_KEY: %w", err)
		}
	}
	bdb, err := db.Open(ctx, url, 8, key)
	if err != nil {
		stop()
		return nil, "", nil, err
	}
	closeDB := func() {
		bdb.Close()
		stop()
	}
	reg, err := tenant.NewRegistry(ctx, bdb, tenant.Options{BaseDomain: base, OperatorHost: "admin." + base,
		OnProvision: []tenant.Hook{func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
			return authz.SeedTenant(ctx, tx, t.Domain())
		}}})
	if err != nil {
		closeDB()
		return nil, "", nil, err
	}
	return reg, super, closeDB, nil
}
