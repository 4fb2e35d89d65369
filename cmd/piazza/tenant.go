package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/onboard"
)

func tenantCommand() *cobra.Command {
	return group("tenant", "Provision and manage tenants",
		tenantCreateCommand(), tenantListCommand(), tenantImportCommand(), tenantImportPartnershipsCommand(),
		tenantExportCommand(), tenantImportArchiveCommand(),
		tenantStatusCommand("suspend", "Suspend a tenant: its hosts answer 503 until resumed", (*tenant.Registry).Suspend),
		tenantStatusCommand("resume", "Resume a suspended tenant", (*tenant.Registry).Resume),
		tenantStatusCommand("restore", "Restore a deleted tenant not yet purged (it comes back suspended)", (*tenant.Registry).Restore),
		tenantDeleteCommand(), tenantPlanCommand(), tenantUsageCommand(), tenantBillingCommand(), tenantRevokeCommand(), tenantLocalAccountsCommand(), tenantIdPCommand(), tenantFederationCommand())
}

// withRegistry runs fn in the environment of the management commands.
func withRegistry(cmd *cobra.Command, fn func(ctx context.Context, e *env) error) error {
	return withEnv(cmd, toolEnv(), fn)
}

// withTenant runs fn with the tenant named by slug.
func withTenant(cmd *cobra.Command, slug string, fn func(ctx context.Context, e *env, t *tenant.Tenant) error) error {
	return withRegistry(cmd, func(ctx context.Context, e *env) error {
		t, err := e.registry.Get(ctx, slug)
		if err != nil {
			return err
		}
		return fn(ctx, e, t)
	})
}

// report prints a line of the command's outcome; a command that ends
// with it has succeeded.
func report(cmd *cobra.Command, format string, args ...any) error {
	fmt.Fprintf(cmd.OutOrStdout(), format+"\n", args...)
	return nil
}

func tenantCreateCommand() *cobra.Command {
	var p tenant.CreateParams
	var f signInFlags
	use := "create --slug SLUG --name NAME [--host HOST ...] [--admin-email EMAIL] [--local-accounts] [--idp-issuer URL --idp-client-id ID ...]"
	cmd := envCommand(use, "Provision a tenant", toolEnv(), func(ctx context.Context, cmd *cobra.Command, e *env) error {
		return createTenant(ctx, cmd, e, p, &f)
	})
	f.register(cmd)
	cmd.Example = `  piazza tenant create --slug lazio --name "Regione Lazio" --host partecipa.regione.lazio.it`
	cmd.Flags().StringVar(&p.Slug, "slug", "", "short name: 2-40 lower-case letters, digits, hyphens (required)")
	cmd.Flags().StringVar(&p.Name, "name", "", "display name (required)")
	cmd.Flags().StringArrayVar(&p.Hosts, "host", nil, "extra host name (repeatable); <slug>.<base domain> is always added")
	cmd.Flags().StringVar(&p.AdminEmail, "admin-email", "", "e-mail of the first tenant admin")
	cmd.Flags().StringVar(&p.Plan, "plan", "", "the tenant's plan (default: "+tenant.DefaultPlan+"; see `piazza plan list`)")
	_ = cmd.MarkFlagRequired("slug")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func tenantListCommand() *cobra.Command {
	var asJSON bool
	cmd := envCommand("list [--json]", "List tenants", toolEnv(), func(ctx context.Context, cmd *cobra.Command, e *env) error {
		ts, err := e.registry.List(ctx)
		if err != nil {
			return err
		}
		if asJSON {
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			if ts == nil {
				ts = []*tenant.Tenant{}
			}
			return enc.Encode(ts)
		}
		printTenants(cmd.OutOrStdout(), ts)
		return nil
	})
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printTenants(w io.Writer, ts []*tenant.Tenant) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tSTATUS\tHOSTS\tCREATED")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Slug, t.Name, t.Status, strings.Join(t.Hosts, " "), t.CreatedAt.Format("2006-01-02 15:04"))
	}
	tw.Flush()
}

func tenantStatusCommand(verb, short string, do func(*tenant.Registry, context.Context, string) (*tenant.Tenant, error)) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " SLUG",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRegistry(cmd, func(ctx context.Context, e *env) error {
				t, err := do(e.registry, ctx, args[0])
				if err != nil {
					return err
				}
				return report(cmd, "tenant %s is now %s", t.Slug, t.Status)
			})
		},
	}
}

func tenantDeleteCommand() *cobra.Command {
	var purge bool
	cmd := &cobra.Command{
		Use:   "delete SLUG [--purge]",
		Short: "Delete a tenant: unreachable at once, purged after the grace period or with --purge",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			slug := args[0]
			return withTenant(cmd, slug, func(ctx context.Context, e *env, t *tenant.Tenant) error {
				if t.Status != tenant.StatusDeleting {
					if _, err := e.registry.Delete(ctx, slug); err != nil {
						return err
					}
				}
				if !purge {
					return report(cmd, "tenant %s deleted: unreachable now, restorable with `piazza tenant restore %s` for %s, then purged",
						slug, slug, e.cfg.DeleteGrace)
				}
				err := e.registry.Purge(ctx, slug)
				if errors.Is(err, tenant.ErrPurgeUnfinished) {
					fmt.Fprintf(cmd.OutOrStdout(), "%v\nRun `piazza storage gc` to remove the files.\n", err)
					return exitError(1)
				}
				if err != nil {
					return err
				}
				return report(cmd, "tenant %s purged: its schema, role, hosts and files are gone", slug)
			})
		},
	}
	cmd.Flags().BoolVar(&purge, "purge", false, "drop the tenant's schema and data now, for good")
	return cmd
}

func tenantImportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Provision tenants from a CSV file: slug,name,hosts,admin_email per row",
		Long: `Import reads slug,name,hosts,admin_email rows (header optional; several hosts
separated by spaces or semicolons), checks every row first and reports every bad
row with its line number, provisioning nothing; when all rows are good, it
provisions them one by one, showing progress. "-" reads standard input.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, done, err := input(cmd, args[0])
			if err != nil {
				return err
			}
			defer done()
			return withRegistry(cmd, func(ctx context.Context, e *env) error { return importTenants(ctx, cmd, e, args[0], in) })
		},
	}
}

func importTenants(ctx context.Context, cmd *cobra.Command, e *env, name string, in io.Reader) error {
	rows, bad, err := e.registry.ParseImport(ctx, in)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d bad rows, nothing provisioned:\n", name, len(bad))
		for _, b := range bad {
			fmt.Fprintf(cmd.ErrOrStderr(), "  %v\n", b)
		}
		return exitError(1)
	}
	o, err := e.onboarder()
	if err != nil {
		return err
	}
	p := newProgress(cmd.ErrOrStderr(), "provisioning tenants")
	p.update(0, len(rows))
	for i, row := range rows {
		t, err := o.Create(ctx, row.Params, onboard.Choice{})
		if t == nil {
			return fmt.Errorf("line %d: %w (the %d rows before it were provisioned)", row.Line, err, i)
		}
		if err != nil {
			return fmt.Errorf("line %d: tenant created, but the invitation to %s failed: %w", row.Line, t.AdminEmail, err)
		}
		p.update(i+1, len(rows))
	}
	return report(cmd, "provisioned %d tenants", len(rows))
}

// input is the file a command reads, or its standard input for "-"; done
// closes it.
func input(cmd *cobra.Command, name string) (in io.Reader, done func(), err error) {
	if name == "-" {
		return cmd.InOrStdin(), func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}
