package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/config"
)

func devCommand() *cobra.Command {
	o := envOptions{mode: config.ModeDev, migrate: true, maxConns: 20, adopt: true, checkFiles: true}
	cmd := envCommand("dev", "Run Piazza locally with a demo tenant, no configuration needed", o, func(ctx context.Context, cmd *cobra.Command, e *env) error {
		pw, err := e.ensureDemo(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "\nPiazza is running:\n  demo tenant       http://%s  (sign in as %s, password %s)\n  second tenant     http://%s\n  operator console  http://%s\nE-mails are written to this log. Ctrl-C to stop.\n\n",
			e.cfg.TenantHost("demo"), demoAdmin, pw, e.cfg.TenantHost("esempio"), e.cfg.OperatorHost)
		return e.serve(ctx)
	})
	cmd.Long = `Dev starts a private PostgreSQL cluster in the data directory (unless
PIAZZA_DATABASE_URL is set), migrates it, provisions the demo tenant when
missing and serves it at http://demo.localhost:8080, with the operator console
at http://admin.localhost:8080. Ctrl-C stops the server and the cluster.`
	return cmd
}
