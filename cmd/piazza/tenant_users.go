package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/session"
)

// tenantRevokeCommand lets an operator end every session of a tenant's user.
func tenantRevokeCommand() *cobra.Command {
	var email string
	cmd := &cobra.Command{
		Use:   "revoke-sessions SLUG --email EMAIL",
		Short: "Sign a tenant's user out of every browser",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRegistry(cmd, func(e *env) error {
				t, err := e.registry.Get(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				return db.InTenant(cmd.Context(), e.db, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
					u, err := auth.UserByEmail(ctx, tx, email)
					if err != nil {
						return fmt.Errorf("%w: %s in tenant %s", err, email, t.Slug)
					}
					if err := session.Tenant(0, 0).DeleteUser(ctx, tx, u.ID); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "every session of %s in %s is ended\n", u.Email, t.Slug)
					return nil
				})
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
			if args[1] != "on" && args[1] != "off" {
				return fmt.Errorf("say on or off, not %q", args[1])
			}
			return withRegistry(cmd, func(e *env) error {
				t, err := e.registry.Get(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				err = db.InTenant(cmd.Context(), e.db, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
					return auth.SetLocalAccounts(ctx, tx, args[1] == "on")
				})
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "local accounts of %s: %s\n", t.Slug, args[1])
				return nil
			})
		},
	}
}
