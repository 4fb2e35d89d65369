package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/tenant"
)

func devCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "dev",
		Short: "Run Piazza locally with a demo tenant, no configuration needed",
		Long: `Dev starts a private PostgreSQL cluster in the data directory (unless
PIAZZA_DATABASE_URL is set), migrates it, provisions the demo tenant when
missing and serves it at http://demo.localhost:8080, with the operator console
at http://admin.localhost:8080. Ctrl-C stops the server and the cluster.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			e, err := openEnv(ctx, cmd.ErrOrStderr(), envOptions{mode: config.ModeDev, migrate: true, maxConns: 20})
			if err != nil {
				return err
			}
			defer e.closeAdopting(ctx, true)
			if err := e.ensureDemo(ctx); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "\nPiazza is running:\n  demo tenant       http://%s\n  operator console  http://%s\nCtrl-C to stop.\n\n",
				e.cfg.TenantHost("demo"), e.cfg.OperatorHost)
			return e.serve(ctx)
		},
	}
}

// ensureDemo provisions the demo tenant unless it exists.
func (e *env) ensureDemo(ctx context.Context) error {
	_, err := e.registry.Get(ctx, "demo")
	if err == nil || !errors.Is(err, tenant.ErrNotFound) {
		return err
	}
	_, err = e.registry.Create(ctx, tenant.CreateParams{
		Slug: "demo", Name: "Piazza Demo", AdminEmail: "admin@demo.example.org",
	})
	if err != nil {
		return fmt.Errorf("provision the demo tenant: %w", err)
	}
	e.log.Info("demo tenant provisioned", "host", e.cfg.TenantHost("demo"))
	return nil
}
