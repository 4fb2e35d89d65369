package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/tenant"
)

// inTenant runs fn in a transaction of the tenant named by slug.
func inTenant(cmd *cobra.Command, slug string, fn func(ctx context.Context, tx bun.Tx) error) error {
	return withTenant(cmd, slug, func(ctx context.Context, e *env, t *tenant.Tenant) error {
		return db.InTenant(ctx, e.db, t.Scope(), fn)
	})
}

// tenantRevokeCommand lets an operator end every session of a tenant's user.
func tenantRevokeCommand() *cobra.Command {
	var email string
	cmd := &cobra.Command{
		Use:   "revoke-sessions SLUG --email EMAIL",
		Short: "Sign a tenant's user out of every browser",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			slug := args[0]
			return inTenant(cmd, slug, func(ctx context.Context, tx bun.Tx) error {
				u, err := auth.UserByEmail(ctx, tx, email)
				if err != nil {
					return fmt.Errorf("%w: %s in tenant %s", err, email, slug)
				}
				if err := session.Tenant(0, 0).DeleteUser(ctx, tx, u.ID); err != nil {
					return err
				}
				return report(cmd, "every session of %s in %s is ended", u.Email, slug)
			})
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the user's e-mail address (required)")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

// tenantLocalAccountsCommand turns a tenant's local accounts on or off.
func tenantLocalAccountsCommand() *cobra.Command {
	return &cobra.Command{
		Use:       "local-accounts SLUG on|off",
		Short:     "Allow or forbid registration and password sign-in in a tenant",
		Args:      cobra.ExactArgs(2),
		ValidArgs: []string{"on", "off"},
		RunE: func(cmd *cobra.Command, args []string) error {
			slug, onOff := args[0], args[1]
			if onOff != "on" && onOff != "off" {
				return fmt.Errorf("say on or off, not %q", onOff)
			}
			err := inTenant(cmd, slug, func(ctx context.Context, tx bun.Tx) error {
				return auth.SetLocalAccounts(ctx, tx, onOff == "on")
			})
			if err != nil {
				return err
			}
			return report(cmd, "local accounts of %s: %s", slug, onOff)
		},
	}
}
