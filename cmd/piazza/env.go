package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/migrations"
	"github.com/piazza-pa/piazza/modules/notification"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/migrate"
	"github.com/piazza-pa/piazza/platform/pgcluster"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/tracing"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/billing"
)

// env is what every subcommand works with: configuration, logger, database
// and tenant registry, with the private cluster when no database URL is set.
type env struct {
	mode     config.Mode
	cfg      *config.Config
	log      *slog.Logger
	dbURL    string
	db       *bun.DB
	cluster  *pgcluster.Cluster // nil with PIAZZA_DATABASE_URL
	registry *tenant.Registry
	billing  *billing.Service
	stderr   io.Writer
	// keepMainRole: `piazza migrate --keep-main-role`.
	keepMainRole bool
	// Set by server: the notification jobs.
	worker   *notification.Worker
	jobsPool *pgxpool.Pool
	// closers release what the server opened beside e.db (see onClose).
	closers []func()
	// obs are the server's metrics and traces (observe).
	obs observability
}

type envOptions struct {
	mode config.Mode
	// adopt stops the private cluster at the end even when another
	// command started it (dev: Ctrl-C ends it all).
	adopt bool
	// migrate brings control and tenant schemas up to date on the private
	// cluster (with a database URL that is `piazza migrate`'s job).
	migrate bool
	// noRegistry skips the registry (for `piazza migrate` itself).
	noRegistry bool
	maxConns   int
	// checkFiles refuses to start when the file store cannot be used
	// (serve, dev).
	checkFiles bool
}

// withEnv runs fn with the environment o opened for cmd, and closes it.
func withEnv(cmd *cobra.Command, o envOptions, fn func(ctx context.Context, e *env) error) error {
	ctx := cmd.Context()
	e, err := openEnv(ctx, cmd.ErrOrStderr(), o)
	if err != nil {
		return err
	}
	defer e.closeAdopting(ctx, o.adopt)
	return fn(ctx, e)
}

// envCommand is a command without arguments that runs in the environment o.
func envCommand(use, short string, o envOptions, run func(ctx context.Context, cmd *cobra.Command, e *env) error) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withEnv(cmd, o, func(ctx context.Context, e *env) error { return run(ctx, cmd, e) })
		},
	}
}

// toolEnv is the environment of the management commands: the private
// cluster migrated, the tenant registry open.
func toolEnv() envOptions { return envOptions{mode: config.ModeTool, migrate: true} }

func openEnv(ctx context.Context, stderr io.Writer, o envOptions) (*env, error) {
	cfg, err := config.Load(os.LookupEnv, o.mode)
	if err != nil {
		return nil, fmt.Errorf("configuration:\n%w", err)
	}
	e := &env{mode: o.mode, cfg: cfg, log: newLogger(cfg, stderr), stderr: stderr, dbURL: cfg.DatabaseURL}
	if o.checkFiles {
		if err := checkFiles(ctx, cfg, os.LookupEnv); err != nil {
			return nil, err
		}
	}
	if o.mode != config.ModeTool || cfg.DatabaseURL == "" {
		if err := cfg.LoadSecretKey(); err != nil { // generated in the data directory unless given
			return nil, err
		}
	}
	if e.dbURL == "" {
		if err := e.startCluster(ctx); err != nil {
			return nil, err
		}
	}
	conns, err := dbConns(o.maxConns)
	if err != nil {
		e.close(ctx)
		return nil, err
	}
	kept, err := dbKept()
	if err != nil {
		e.close(ctx)
		return nil, err
	}
	if e.db, err = db.Open(ctx, e.dbURL, conns, e.cfg.SecretKey, kept...); err != nil {
		e.close(ctx)
		return nil, err
	}
	if o.migrate && e.cluster != nil {
		if err := e.migrateAll(ctx, 4, false); err != nil {
			e.close(ctx)
			return nil, err
		}
	}
	if o.noRegistry {
		return e, nil
	}
	if err := e.checkControl(ctx); err != nil {
		e.close(ctx)
		return nil, err
	}
	e.registry, err = tenant.NewRegistry(ctx, e.db, e.registryOptions())
	if err != nil {
		e.close(ctx)
		return nil, err
	}
	e.billing = e.billingService()
	return e, nil
}

// billingService is billing through Stripe when PIAZZA_STRIPE_KEY is set
// (off otherwise); a tenant created on a priced plan or moved to one is
// subscribed, whichever command or page does it.
func (e *env) billingService() *billing.Service {
	s := &billing.Service{DB: e.db, Registry: e.registry, Secret: e.cfg.StripeWebhookSecret}
	if e.cfg.StripeKey != "" {
		s.Provider = billing.NewStripe(e.cfg.StripeKey, "", nil)
		e.registry.OnPlan(s.Sync)
	}
	return s
}

func (e *env) startCluster(ctx context.Context) error {
	c, err := pgcluster.Start(ctx, pgcluster.Options{
		Dir:  filepath.Join(e.cfg.DataDir, "pg"),
		Port: e.cfg.PGPort,
		Log:  func(msg string) { e.log.Info(msg) },
	})
	if err != nil {
		return err
	}
	e.cluster = c
	if e.dbURL, err = c.EnsureDatabase(ctx, "piazza", "piazza"); err != nil {
		e.close(ctx)
		return err
	}
	return nil
}

// checkControl refuses to work on a control schema older than this binary.
func (e *env) checkControl(ctx context.Context) error {
	ms, err := migrate.Load(migrations.Control())
	if err != nil {
		return err
	}
	v, err := migrate.ControlVersion(ctx, e.db)
	if err != nil {
		return fmt.Errorf("read control schema version: %w", err)
	}
	if v < migrate.Latest(ms) {
		return errors.New("the database is not migrated to this version of piazza: run `piazza migrate` first")
	}
	return nil
}

// close releases the database and stops the private cluster if this command
// started it and nobody else uses it.
func (e *env) close(ctx context.Context) {
	e.closeAdopting(ctx, false)
}

func (e *env) closeAdopting(ctx context.Context, adopt bool) {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
	if e.db != nil {
		e.db.Close()
	}
	if e.cluster != nil {
		if _, err := e.cluster.StopIfIdle(context.WithoutCancel(ctx), adopt); err != nil {
			e.log.Warn("stop PostgreSQL", "err", err)
		}
	}
}

// onClose has close run f, last registered first, before it closes the
// database and decides whether to stop the private cluster: a pool left
// open would keep the cluster running after the command ends.
func (e *env) onClose(f func()) { e.closers = append(e.closers, f) }

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(tracing.LogHandler(slog.NewJSONHandler(w, opts)))
	}
	return slog.New(tracing.LogHandler(slog.NewTextHandler(w, opts)))
}

// registryOptions are the registry's settings and the control-plane work
// that rides along with provisioning and purging a tenant: its role
// permissions and its relying-party signing key; once purged, its files.
func (e *env) registryOptions() tenant.Options {
	return tenant.Options{
		BaseDomain:   e.cfg.BaseDomain,
		OperatorHost: e.cfg.OperatorHost,
		SpareSchemas: e.cfg.SpareSchemas,
		GroupSize:    e.cfg.LoginGroupSize,
		OnProvision: []tenant.Hook{
			func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
				if err := authz.SeedTenant(ctx, tx, t.Domain()); err != nil {
					return err
				}
				if t.AdminUserID == 0 {
					return nil
				}
				return authz.Assign(ctx, tx, fmt.Sprintf("user:%d", t.AdminUserID), authz.RoleAdmin, t.Domain())
			},
			func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
				box, err := e.box()
				if err != nil {
					return err
				}
				_, err = idp.NewKeys(e.db, box).Generate(ctx, tx, t.ID)
				return err
			},
		},
		OnPurge: []tenant.Hook{func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
			return authz.PurgeTenant(ctx, tx, t.Domain())
		}},
		AfterPurge: []tenant.AfterPurge{e.removeTenantFiles},
	}
}

// box seals and opens secrets at rest with the installation's key.
func (e *env) box() (*secret.Box, error) {
	if e.cfg.SecretKey == nil {
		return nil, errors.New("PIAZZA_SECRET_KEY is required with PIAZZA_DATABASE_URL: it seals secrets at rest and must be the one the servers use")
	}
	return secret.New(e.cfg.SecretKey)
}

// dbKept is PIAZZA_DB_KEPT, the cap on the connections kept one per
// tenant (none given: the default, three quarters of the pool).
func dbKept() ([]db.Option, error) {
	v := strings.TrimSpace(os.Getenv("PIAZZA_DB_KEPT"))
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1000 {
		return nil, fmt.Errorf("PIAZZA_DB_KEPT: %q is not a number of connections (0 to 1000)", v)
	}
	return []db.Option{db.KeptConns(n)}, nil
}

// dbConns is PIAZZA_DB_CONNS, the size of the database pool, or def.
func dbConns(def int) (int, error) {
	v := strings.TrimSpace(os.Getenv("PIAZZA_DB_CONNS"))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, fmt.Errorf("PIAZZA_DB_CONNS: %q is not a number of connections (1 to 1000)", v)
	}
	return n, nil
}
