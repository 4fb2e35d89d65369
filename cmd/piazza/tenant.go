package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/tenant"
)

func tenantCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tenant",
		Short: "Provision and manage tenants",
	}
	cmd.AddCommand(tenantCreateCommand(), tenantListCommand(), tenantImportCommand(),
		tenantStatusCommand("suspend", "Suspend a tenant: its hosts answer 503 until resumed", (*tenant.Registry).Suspend),
		tenantStatusCommand("resume", "Resume a suspended tenant", (*tenant.Registry).Resume),
		tenantStatusCommand("restore", "Restore a deleted tenant not yet purged (it comes back suspended)", (*tenant.Registry).Restore),
		tenantDeleteCommand(), tenantRevokeCommand(), tenantLocalAccountsCommand(), tenantIdPCommand())
	return cmd
}

// withRegistry runs fn with the registry of an opened environment.
func withRegistry(cmd *cobra.Command, fn func(e *env) error) error {
	ctx := cmd.Context()
	e, err := openEnv(ctx, cmd.ErrOrStderr(), envOptions{mode: config.ModeTool, migrate: true})
	if err != nil {
		return err
	}
	defer e.close(ctx)
	return fn(e)
}

func tenantCreateCommand() *cobra.Command {
	var p tenant.CreateParams
	cmd := &cobra.Command{
		Use:     "create --slug SLUG --name NAME [--host HOST ...] [--admin-email EMAIL]",
		Short:   "Provision a tenant",
		Example: `  piazza tenant create --slug lazio --name "Regione Lazio" --host partecipa.regione.lazio.it`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(cmd, func(e *env) error {
				t, err := e.registry.Create(cmd.Context(), p)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "created tenant %s (%s), serving on %s\n", t.Slug, t.Name, strings.Join(t.Hosts, ", "))
				if err := e.inviteAdmin(cmd.Context(), t); err != nil {
					return fmt.Errorf("tenant created, but the invitation to %s failed: %w", t.AdminEmail, err)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&p.Slug, "slug", "", "short name: 2-40 lower-case letters, digits, hyphens (required)")
	cmd.Flags().StringVar(&p.Name, "name", "", "display name (required)")
	cmd.Flags().StringArrayVar(&p.Hosts, "host", nil, "extra host name (repeatable); <slug>.<base domain> is always added")
	cmd.Flags().StringVar(&p.AdminEmail, "admin-email", "", "e-mail of the first tenant admin")
	_ = cmd.MarkFlagRequired("slug")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func tenantListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List tenants",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(cmd, func(e *env) error {
				ts, err := e.registry.List(cmd.Context())
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
		},
	}
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
			return withRegistry(cmd, func(e *env) error {
				t, err := do(e.registry, cmd.Context(), args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "tenant %s is now %s\n", t.Slug, t.Status)
				return nil
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
			return withRegistry(cmd, func(e *env) error {
				ctx, slug := cmd.Context(), args[0]
				t, err := e.registry.Get(ctx, slug)
				if err != nil {
					return err
				}
				if t.Status != tenant.StatusDeleting {
					if _, err := e.registry.Delete(ctx, slug); err != nil {
						return err
					}
				}
				if purge {
					if err := e.registry.Purge(ctx, slug); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "tenant %s purged: its schema, role and hosts are gone\n", slug)
					return nil
				}
				fmt.Fprintf(cmd.OutOrStdout(), "tenant %s deleted: unreachable now, restorable with `piazza tenant restore %s` for %s, then purged\n",
					slug, slug, e.cfg.DeleteGrace)
				return nil
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
			in := io.Reader(cmd.InOrStdin())
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			return withRegistry(cmd, func(e *env) error { return importTenants(cmd, e, args[0], in) })
		},
	}
}

func importTenants(cmd *cobra.Command, e *env, name string, in io.Reader) error {
	ctx := cmd.Context()
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
	p := newProgress(cmd.ErrOrStderr(), "provisioning tenants")
	p.update(0, len(rows))
	for i, row := range rows {
		t, err := e.registry.Create(ctx, row.Params)
		if err != nil {
			return fmt.Errorf("line %d: %w (the %d rows before it were provisioned)", row.Line, err, i)
		}
		if err := e.inviteAdmin(ctx, t); err != nil {
			return fmt.Errorf("line %d: tenant created, but the invitation to %s failed: %w", row.Line, t.AdminEmail, err)
		}
		p.update(i+1, len(rows))
	}
	fmt.Fprintf(cmd.OutOrStdout(), "provisioned %d tenants\n", len(rows))
	return nil
}
