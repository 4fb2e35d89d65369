package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/billing"
)

// tenantBillingCommand sets who a tenant's invoices are made out to and
// sent to; the flags not given stay as they are.
func tenantBillingCommand() *cobra.Command {
	var name, vat, email string
	cmd := &cobra.Command{
		Use:   "billing SLUG [--legal-name NAME] [--vat NUMBER] [--email EMAIL]",
		Short: "Set the legal name, VAT number and invoice e-mail of a tenant's administration (kept while billing is off)",
		Example: `  piazza tenant billing roccasecca --legal-name "Comune di Roccasecca" --vat IT00123450609 --email ragioneria@comune.roccasecca.fr.it
  piazza tenant billing roccasecca --vat ""    # no VAT number`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := billing.AccountInput{Actor: "cli"}
			f := cmd.Flags()
			for _, x := range []struct {
				flag string
				src  *string
				dst  **string
			}{{"legal-name", &name, &in.LegalName}, {"vat", &vat, &in.VATNumber}, {"email", &email, &in.Email}} {
				if f.Changed(x.flag) {
					*x.dst = x.src
				}
			}
			return withTenant(cmd, args[0], func(ctx context.Context, e *env, t *tenant.Tenant) error {
				a, err := e.billing.SetAccount(ctx, t, in)
				if err != nil {
					return err
				}
				return report(cmd, "tenant %s is invoiced to %q, VAT number %q, at %s", t.Slug, a.LegalName, a.VATNumber, a.InvoiceEmail)
			})
		},
	}
	cmd.Flags().StringVar(&name, "legal-name", "", "the administration's legal name, as on invoices")
	cmd.Flags().StringVar(&vat, "vat", "", `its Italian VAT number (11 digits, "IT" in front allowed; "" for none)`)
	cmd.Flags().StringVar(&email, "email", "", "the e-mail address invoices are sent to")
	return cmd
}
