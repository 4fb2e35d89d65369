package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/piazza-pa/piazza/tenant"
)

func planCommand() *cobra.Command {
	return group("plan", "Plans and their quotas", planListCommand(), planCreateCommand(), planUpdateCommand())
}

func planListCommand() *cobra.Command {
	var asJSON bool
	cmd := envCommand("list [--json]", "List plans", toolEnv(), func(ctx context.Context, cmd *cobra.Command, e *env) error {
		ps, err := e.registry.Plans(ctx)
		if err != nil {
			return err
		}
		if asJSON {
			return printJSON(cmd.OutOrStdout(), ps)
		}
		printPlans(cmd.OutOrStdout(), ps)
		return nil
	})
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printPlans(w io.Writer, ps []*tenant.Plan) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tPRICE/MONTH\tMEMBERS\tSTORAGE\tMODULES\tHOSTS\tIDPS")
	for _, p := range ps {
		in := p.Input()
		price := "no charge"
		if in.Price != "" {
			price = in.Price + " " + in.Currency
		}
		mods := in.Modules
		if p.Modules == nil {
			mods = "all"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Slug, p.Name, price, in.Members, in.Storage, mods, in.Hosts, in.IdPs)
	}
	tw.Flush()
}

// planFlags are the flags of a plan's fields, over in.
func planFlags(f *pflag.FlagSet, in *tenant.PlanInput) {
	f.StringVar(&in.Name, "name", "", "display name")
	f.StringVar(&in.Price, "price", "", `monthly price, e.g. 120.00 ("" or "none": no charge, for an inter-administration agreement)`)
	f.StringVar(&in.Currency, "currency", "EUR", "currency of the price")
	f.StringVar(&in.Members, "members", "", "most members (active or invited accounts)")
	f.StringVar(&in.Storage, "storage", "", "most storage of attached files, e.g. 10GiB")
	f.StringVar(&in.Modules, "modules", "", `module keys a tenant may switch on, comma-separated ("": every module)`)
	f.StringVar(&in.Hosts, "hosts", "", "most host names besides <slug>.<base domain>")
	f.StringVar(&in.IdPs, "idps", "", "most identity providers")
}

func planCreateCommand() *cobra.Command {
	var in tenant.PlanInput
	cmd := &cobra.Command{
		Use:   "create SLUG --name NAME --members N --storage SIZE --hosts N --idps N [--price AMOUNT] [--modules KEYS]",
		Short: "Create a plan",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.Slug = args[0]
			return withRegistry(cmd, func(ctx context.Context, e *env) error {
				p, err := e.registry.CreatePlan(ctx, in)
				if err != nil {
					return err
				}
				return report(cmd, "created plan %s (%s)", p.Slug, p.Name)
			})
		},
	}
	cmd.Example = `  piazza plan create comuni --name "Comuni in convenzione" --members 500 --storage 20GiB --hosts 1 --idps 2`
	planFlags(cmd.Flags(), &in)
	for _, f := range []string{"name", "members", "storage", "hosts", "idps"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

func planUpdateCommand() *cobra.Command {
	var in tenant.PlanInput
	cmd := &cobra.Command{
		Use:   "update SLUG [--name NAME] [--price AMOUNT] [--members N] [--storage SIZE] [--modules KEYS] [--hosts N] [--idps N]",
		Short: "Change a plan: its tenants get the new quotas at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRegistry(cmd, func(ctx context.Context, e *env) error {
				p, err := e.registry.Plan(ctx, args[0])
				if err != nil {
					return err
				}
				merged := p.Input()
				setFlags(cmd.Flags(), in, &merged)
				if p, err = e.registry.UpdatePlan(ctx, args[0], merged); err != nil {
					return err
				}
				return report(cmd, "updated plan %s", p.Slug)
			})
		},
	}
	planFlags(cmd.Flags(), &in)
	return cmd
}

// setFlags copies into out the fields of in whose flag was given.
func setFlags(f *pflag.FlagSet, in tenant.PlanInput, out *tenant.PlanInput) {
	for flag, pair := range map[string][2]*string{
		"name": {&in.Name, &out.Name}, "price": {&in.Price, &out.Price}, "currency": {&in.Currency, &out.Currency},
		"members": {&in.Members, &out.Members}, "storage": {&in.Storage, &out.Storage}, "modules": {&in.Modules, &out.Modules},
		"hosts": {&in.Hosts, &out.Hosts}, "idps": {&in.IdPs, &out.IdPs},
	} {
		if f.Changed(flag) {
			*pair[1] = *pair[0]
		}
	}
}

func tenantPlanCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "plan SLUG PLAN",
		Short: "Give a tenant another plan (its quotas hold at once)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRegistry(cmd, func(ctx context.Context, e *env) error {
				t, err := e.registry.SetPlan(ctx, args[0], args[1])
				if err != nil {
					return err
				}
				return report(cmd, "tenant %s is now on plan %s", t.Slug, t.Plan.Slug)
			})
		},
	}
}

func tenantUsageCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "usage [SLUG] [--json]",
		Short: "What a tenant (or every tenant) uses of its plan's quotas",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRegistry(cmd, func(ctx context.Context, e *env) error {
				us, err := usages(ctx, e.registry, args)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), us)
				}
				printUsage(cmd.OutOrStdout(), us)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// usages reads the usage of the tenant of args, or of every tenant not
// being deleted.
func usages(ctx context.Context, reg *tenant.Registry, args []string) ([]*tenant.Usage, error) {
	var ts []*tenant.Tenant
	if len(args) == 1 {
		t, err := reg.Get(ctx, args[0])
		if err != nil {
			return nil, err
		}
		ts = []*tenant.Tenant{t}
	} else {
		all, err := reg.List(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range all {
			if t.Status != tenant.StatusDeleting {
				ts = append(ts, t)
			}
		}
	}
	us := []*tenant.Usage{}
	for _, t := range ts {
		u, err := reg.Usage(ctx, t)
		if err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, nil
}

func printUsage(w io.Writer, us []*tenant.Usage) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tPLAN\tMEMBERS\tSTORAGE\tHOSTS\tIDPS\tMODULES OFF\tNEAR A QUOTA")
	for _, u := range us {
		p := u.Limits
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s/%s\t%d/%d\t%d/%d\t%s\t%s\n", u.Slug, u.Plan, u.Members, p.MaxMembers,
			tenant.FormatBytes(u.StorageBytes), tenant.FormatBytes(p.MaxStorage), u.Hosts, p.MaxHosts, u.IdPs, p.MaxIdPs,
			strings.Join(u.Off, ","), strings.Join(u.Near(), ","))
	}
	tw.Flush()
}
