package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/platform/idp"
)

func tenantIdPCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "idp", Short: "Manage a tenant's OpenID Connect identity providers"}
	cmd.AddCommand(idpSaveCommand(false), idpSaveCommand(true), idpListCommand(), idpEnableCommand("disable", false), idpEnableCommand("enable", true),
		idpCheckCommand(), idpRotateKeyCommand())
	return cmd
}

// withIdPs runs fn with the IdP store and the tenant named by slug.
func withIdPs(cmd *cobra.Command, slug string, fn func(e *env, store *idp.Store, tenantID int64) error) error {
	return withRegistry(cmd, func(e *env) error {
		t, err := e.registry.Get(cmd.Context(), slug)
		if err != nil {
			return err
		}
		box, err := e.box()
		if err != nil {
			return err
		}
		return fn(e, idp.NewStore(e.db, box), t.ID)
	})
}

// idpSaveCommand is `idp add`, or `idp update` (the same flags; the client
// secret is kept when none is given).
func idpSaveCommand(update bool) *cobra.Command {
	var i idp.IdP
	var privateKeyJWT, secretStdin bool
	verb, short := "add", "Add an identity provider to a tenant (effective at once on every server)"
	if update {
		verb, short = "update", "Change an identity provider of a tenant (effective at once on every server)"
	}
	cmd := &cobra.Command{
		Use:   verb + " SLUG --key K --issuer URL --client-id ID [--client-secret S | --client-secret-stdin | --private-key-jwt]",
		Short: short,
		Example: `  piazza tenant idp add lazio --key spid --kind spid --issuer https://oidc.registry.servizicie.interno.gov.it \
    --client-id https://lazio.piazza.example.it --private-key-jwt --request-object --acr https://www.spid.gov.it/SpidL2`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if privateKeyJWT {
				i.ClientAuth = idp.AuthPrivateJWT
			}
			if secretStdin {
				line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if err != nil && !errors.Is(err, io.EOF) {
					return err
				}
				i.ClientSecret = strings.TrimRight(line, "\r\n")
			}
			return withIdPs(cmd, args[0], func(e *env, store *idp.Store, tenantID int64) error {
				i.TenantID = tenantID
				save := store.Add
				if update {
					save = store.Update
				}
				if err := save(cmd.Context(), &i); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "identity provider %s of %s saved; register this redirect URI at the provider: %s://%s/auth/oidc/%s/callback\n",
					i.Key, args[0], e.scheme(), e.registry.DefaultHost(args[0]), i.Key)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&i.Key, "key", "", "short name, used in the sign-in URLs (required)")
	f.StringVar(&i.Label, "label", "", "the button's label")
	f.StringVar(&i.Kind, "kind", "generic", "generic, spid or cie (the button's look; fiscal-number linking)")
	f.StringVar(&i.Issuer, "issuer", "", "the provider's issuer URL (required)")
	f.StringVar(&i.ClientID, "client-id", "", "the client id registered at the provider (required)")
	f.StringVar(&i.ClientSecret, "client-secret", "", "the client secret (prefer --client-secret-stdin: the command line is visible to others)")
	f.BoolVar(&secretStdin, "client-secret-stdin", false, "read the client secret from standard input")
	f.StringVar(&i.ClientAuth, "client-auth", "", "client_secret_basic (default) or client_secret_post")
	f.BoolVar(&privateKeyJWT, "private-key-jwt", false, "authenticate with the tenant's signing key (private_key_jwt)")
	f.BoolVar(&i.RequestObject, "request-object", false, "send the authorization request as a signed request object")
	f.StringSliceVar(&i.Scopes, "scopes", nil, "scopes (default openid,profile,email)")
	f.StringSliceVar(&i.ACRValues, "acr", nil, "ACR values, e.g. https://www.spid.gov.it/SpidL2")
	f.StringVar(&i.LinkBy, "link-by", "", "link to existing users by fiscal_number, email or never (default: email; fiscal_number for spid/cie)")
	f.StringVar(&i.ClaimFiscalNumber, "claim-fiscal-number", "", "claim carrying the fiscal number (default fiscal_number)")
	for _, r := range []string{"key", "issuer", "client-id"} {
		_ = cmd.MarkFlagRequired(r)
	}
	return cmd
}

func idpListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list SLUG",
		Short: "List a tenant's identity providers (secrets are never shown)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withIdPs(cmd, args[0], func(_ *env, store *idp.Store, tenantID int64) error {
				is, err := store.List(cmd.Context(), tenantID)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "KEY\tKIND\tISSUER\tCLIENT ID\tAUTH\tSECRET\tENABLED")
				for _, i := range is {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%t\t%t\n", i.Key, i.Kind, i.Issuer, i.ClientID, i.ClientAuth, i.HasSecret(), i.Enabled)
				}
				return tw.Flush()
			})
		},
	}
}

func idpEnableCommand(verb string, on bool) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " SLUG KEY",
		Short: strings.ToUpper(verb[:1]) + verb[1:] + " an identity provider of a tenant",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withIdPs(cmd, args[0], func(_ *env, store *idp.Store, tenantID int64) error {
				if err := store.SetEnabled(cmd.Context(), tenantID, args[1], on); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "identity provider %s of %s: %sd\n", args[1], args[0], verb)
				return nil
			})
		},
	}
}

func idpCheckCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "check SLUG KEY",
		Short: "Fetch an identity provider's discovery document and report what it offers",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withIdPs(cmd, args[0], func(_ *env, store *idp.Store, tenantID int64) error {
				i, err := store.Get(cmd.Context(), tenantID, args[1])
				if err != nil {
					return err
				}
				report, err := (&idp.Flow{Client: &http.Client{Timeout: 15 * time.Second}}).Check(cmd.Context(), i.Issuer)
				if err != nil {
					return fmt.Errorf("discovery of %s failed: %w", i.Issuer, err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), report)
				return nil
			})
		},
	}
}

func idpRotateKeyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "rotate-key SLUG",
		Short: "Give a tenant a new signing key (the old one stays published for a day)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withIdPs(cmd, args[0], func(e *env, _ *idp.Store, tenantID int64) error {
				box, err := e.box()
				if err != nil {
					return err
				}
				kid, err := idp.NewKeys(e.db, box).Rotate(cmd.Context(), tenantID)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "new signing key %s for %s\n", kid, args[0])
				return nil
			})
		},
	}
}
