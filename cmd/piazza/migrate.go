package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/migrations"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/migrate"
	"github.com/piazza-pa/piazza/tenant"
)

func migrateCommand() *cobra.Command {
	var concurrency int
	var keepMain bool
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Bring the control schema and every tenant schema up to date",
		Long: `Migrate applies the control-plane migrations, then the tenant migrations to
every tenant schema that is behind: concurrently, one transaction per tenant.
A tenant whose migration fails is reported at the end and left as it was; the
others are committed. Running it again resumes. The spare schemas that
provisioning claims are migrated too, then made up to PIAZZA_SPARE_SCHEMAS.

Tenants made before login groups are moved into groups (with
PIAZZA_SECRET_KEY set, which the groups' passwords derive from), and the login
role gives up its membership of their roles. Servers of the release before
groups enter tenants through that membership: with --keep-main-role it is
kept, so that they run on while the new servers start; run migrate again
without it once they are gone.

The login groups' passwords are set again from PIAZZA_SECRET_KEY on every
run: after the key changed, run migrate with the new one before the servers.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if concurrency < 1 || concurrency > 64 {
				return fmt.Errorf("--concurrency must be between 1 and 64")
			}
			return withEnv(cmd, envOptions{mode: config.ModeTool, noRegistry: true, maxConns: concurrency + 1}, func(ctx context.Context, e *env) error {
				e.keepMainRole = keepMain
				return e.migrateAll(ctx, concurrency, true)
			})
		},
	}
	cmd.Flags().IntVarP(&concurrency, "concurrency", "c", 4, "tenants migrated at once (1-64)")
	cmd.Flags().BoolVar(&keepMain, "keep-main-role", false, "move tenants to login groups but let the login role keep their roles, for servers of the release before")
	return cmd
}

// migrateAll migrates control then tenants and spare schemas, printing
// progress and, at the end, every tenant that failed; it fails when any did.
// With fill it then makes the spare schemas wanted (the servers do that in
// the background; the other commands leave it to them).
func (e *env) migrateAll(ctx context.Context, concurrency int, fill bool) error {
	n, err := migrate.Control(ctx, e.db, migrations.Control())
	if err != nil {
		return fmt.Errorf("migrate control schema: %w", err)
	}
	if n > 0 {
		e.log.Info("control schema migrated", "applied", n)
	}
	reg := e.registry
	if reg == nil {
		if reg, err = tenant.NewRegistry(ctx, e.db, e.registryOptions()); err != nil {
			return err
		}
	}
	// The groups' passwords follow the key this run was given (changed
	// since the last, or not): tenants are entered through them below.
	if _, err := reg.ResetGroupPasswords(ctx); err != nil {
		return err
	}
	p := newProgress(e.stderr, "migrating tenants")
	rep, err := reg.MigrateAll(ctx, concurrency, p.update)
	if err != nil {
		return fmt.Errorf("migrate tenants: %w", err)
	}
	e.log.Info("tenants migrated", "tenants", rep.Tenants, "behind", rep.Pending,
		"migrated", rep.Migrated, "spares_migrated", rep.Spares, "failed", len(rep.Failures), "version", reg.LatestVersion())
	if err := e.moveToGroups(ctx, reg); err != nil {
		return err
	}
	if fill && len(rep.Failures) == 0 {
		made, dropped, err := reg.FillSpares(ctx, e.cfg.SpareSchemas)
		if err != nil {
			return fmt.Errorf("make spare schemas: %w", err)
		}
		e.log.Info("spare schemas ready", "wanted", e.cfg.SpareSchemas, "made", made, "dropped", dropped)
	}
	if len(rep.Failures) == 0 {
		return nil
	}
	fmt.Fprintf(e.stderr, "%d failed to migrate (left unchanged; fix and run `piazza migrate` again):\n", len(rep.Failures))
	for _, f := range rep.Failures {
		fmt.Fprintf(e.stderr, "  %s: %v\n", f.Slug, f.Err)
	}
	return exitError(1)
}

// moveToGroups moves the tenants made before login groups into groups
// (tenant.Registry.MoveToGroups), or says why it cannot.
func (e *env) moveToGroups(ctx context.Context, reg *tenant.Registry) error {
	if !db.HasGroupKey(e.db) {
		e.log.Warn("PIAZZA_SECRET_KEY is not set: tenants are not moved to login groups, and new tenants join none")
		return nil
	}
	m, err := reg.MoveToGroups(ctx, e.keepMainRole)
	if err != nil {
		return err
	}
	if m.Moved > 0 || m.Released > 0 {
		e.log.Info("tenants moved to login groups", "moved", m.Moved, "released", m.Released)
	}
	return nil
}
