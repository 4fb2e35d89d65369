package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/piazza-pa/piazza/platform/egress"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/tenant"
)

func tenantIdPCommand() *cobra.Command {
	return group("idp", "Manage a tenant's OpenID Connect identity providers",
		idpSaveCommand(false), idpSaveCommand(true), idpListCommand(), idpEnableCommand("disable", false), idpEnableCommand("enable", true),
		idpCheckCommand(), idpRotateKeyCommand())
}

// idpRun is what an `idp` subcommand works on: the tenant named by its
// first argument, that tenant's IdP store and the box that seals secrets.
type idpRun struct {
	cmd      *cobra.Command
	e        *env
	box      *secret.Box
	store    *idp.Store
	slug     string
	tenantID int64
}

// withIdPs runs fn on the IdPs of the tenant named by slug.
func withIdPs(cmd *cobra.Command, slug string, fn func(ctx context.Context, r idpRun) error) error {
	return withTenant(cmd, slug, func(ctx context.Context, e *env, t *tenant.Tenant) error {
		box, err := e.box()
		if err != nil {
			return err
		}
		chains, err := e.trustChains()
		if err != nil {
			return err
		}
		store := idp.NewStore(e.db, box)
		store.Chains = chains
		return fn(ctx, idpRun{cmd: cmd, e: e, box: box, store: store, slug: slug, tenantID: t.ID})
	})
}

// trustChains resolves providers' trust chains to the trust anchors of
// PIAZZA_FEDERATION_TRUST_ANCHORS (nil when none is configured: no
// provider given by entity id can then be added or enabled).
func (e *env) trustChains() (idp.TrustChains, error) {
	if e.cfg.FederationTrustAnchors == "" {
		return nil, nil
	}
	as, err := federation.LoadAnchors(e.cfg.FederationTrustAnchors)
	if err != nil {
		return nil, fmt.Errorf("PIAZZA_FEDERATION_TRUST_ANCHORS: %w", err)
	}
	return &federation.Resolver{Anchors: as, Client: e.egress()}, nil
}

// egress is the HTTP client for the addresses tenant admins give (an
// issuer, an entity id): public addresses and PIAZZA_EGRESS_ALLOW only.
func (e *env) egress() *http.Client {
	return egress.Client(egress.Options{Allow: e.cfg.EgressAllow})
}

// idpCommand is an `idp` subcommand taking the tenant's slug and, with
// withKey, an IdP's key (given to run).
func idpCommand(use, short string, withKey bool, run func(ctx context.Context, r idpRun, key string) error) *cobra.Command {
	use, n := use+" SLUG", 1
	if withKey {
		use, n = use+" KEY", 2
	}
	return &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(n),
		RunE: func(cmd *cobra.Command, args []string) error {
			key := ""
			if withKey {
				key = args[1]
			}
			return withIdPs(cmd, args[0], func(ctx context.Context, r idpRun) error { return run(ctx, r, key) })
		},
	}
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
    --client-id https://lazio.piazza.example.it --acr https://www.spid.gov.it/SpidL2 --claims given_name,family_name,fiscal_number --prompt consent`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if privateKeyJWT {
				i.ClientAuth = idp.AuthPrivateJWT
			}
			if secretStdin {
				var err error
				if i.ClientSecret, err = readLine(cmd); err != nil {
					return err
				}
			}
			return withIdPs(cmd, args[0], func(ctx context.Context, r idpRun) error {
				i.TenantID = r.tenantID
				save := r.store.Add
				if update {
					save = r.store.Update
				}
				if err := save(ctx, &i); err != nil {
					return err
				}
				return report(cmd, "identity provider %s of %s saved; register this redirect URI at the provider: %s://%s/auth/oidc/%s/callback",
					i.Key, r.slug, r.e.scheme(), r.e.registry.DefaultHost(r.slug), i.Key)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&i.Key, "key", "", "short name, used in the sign-in URLs (required)")
	f.StringVar(&i.Label, "label", "", "the button's label")
	f.StringVar(&i.Kind, "kind", "generic", "generic, spid or cie (the button's look; fiscal-number linking)")
	f.StringVar(&i.Issuer, "issuer", "", "the provider's issuer URL (required without --entity-id)")
	f.StringVar(&i.EntityID, "entity-id", "", "SPID/CIE: the provider's OpenID Federation entity id; its metadata (and issuer) come from its trust chain to PIAZZA_FEDERATION_TRUST_ANCHORS, which must verify")
	f.StringVar(&i.ClientID, "client-id", "", "the client id registered at the provider (required)")
	f.StringVar(&i.ClientSecret, "client-secret", "", "the client secret (prefer --client-secret-stdin: the command line is visible to others)")
	f.BoolVar(&secretStdin, "client-secret-stdin", false, "read the client secret from standard input")
	f.StringVar(&i.ClientAuth, "client-auth", "", "client_secret_basic (default) or client_secret_post")
	f.BoolVar(&privateKeyJWT, "private-key-jwt", false, "authenticate with the tenant's signing key (private_key_jwt)")
	f.BoolVar(&i.RequestObject, "request-object", false, "send the authorization request as a signed request object")
	f.StringSliceVar(&i.Scopes, "scopes", nil, "scopes (default openid,profile,email)")
	f.StringSliceVar(&i.ACRValues, "acr", nil, "ACR values, e.g. https://www.spid.gov.it/SpidL2 (SPID/CIE: SpidL1, SpidL2 or SpidL3; default SpidL2)")
	f.StringSliceVar(&i.Claims, "claims", nil, "SPID/CIE attributes asked for (default given_name,family_name,email,fiscal_number)")
	f.StringVar(&i.Prompt, "prompt", "", `prompt: "consent" or "consent login" for SPID/CIE (default "consent login"); "", login, consent or "consent login" otherwise`)
	f.StringVar(&i.LinkBy, "link-by", "", "link to existing users by fiscal_number, email or never (default: email; fiscal_number for spid/cie)")
	f.StringVar(&i.ClaimFiscalNumber, "claim-fiscal-number", "", "claim carrying the fiscal number (default fiscal_number; https://attributes.eid.gov.it/fiscal_number for spid/cie)")
	cmd.MarkFlagsOneRequired("issuer", "entity-id")
	for _, r := range []string{"key", "client-id"} {
		_ = cmd.MarkFlagRequired(r)
	}
	return cmd
}

func idpListCommand() *cobra.Command {
	return idpCommand("list", "List a tenant's identity providers (secrets are never shown)", false, func(ctx context.Context, r idpRun, _ string) error {
		is, err := r.store.List(ctx, r.tenantID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(r.cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY\tKIND\tISSUER\tENTITY ID\tCLIENT ID\tAUTH\tSECRET\tENABLED\tACR\tCLAIMS\tPROMPT")
		for _, i := range is {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%t\t%t\t%s\t%s\t%s\n", i.Key, i.Kind, i.Issuer, dash(i.EntityID), i.ClientID, i.ClientAuth, i.HasSecret(), i.Enabled,
				dash(strings.Join(i.ACRValues, " ")), dash(strings.Join(i.Claims, ",")), dash(i.Prompt))
		}
		return tw.Flush()
	})
}

func idpEnableCommand(verb string, on bool) *cobra.Command {
	short := strings.ToUpper(verb[:1]) + verb[1:] + " an identity provider of a tenant"
	return idpCommand(verb, short, true, func(ctx context.Context, r idpRun, key string) error {
		if err := r.store.SetEnabled(ctx, r.tenantID, key, on); err != nil {
			return err
		}
		return report(r.cmd, "identity provider %s of %s: %sd", key, r.slug, verb)
	})
}

func idpCheckCommand() *cobra.Command {
	short := "Fetch an identity provider's discovery document (or resolve its trust chain, when given by entity id) and report what it offers"
	return idpCommand("check", short, true, func(ctx context.Context, r idpRun, key string) error {
		i, err := r.store.Get(ctx, r.tenantID, key)
		if err != nil {
			return err
		}
		if i.EntityID != "" {
			found, err := idp.CheckChain(ctx, r.store.Chains, i.EntityID)
			if err != nil {
				return err
			}
			return report(r.cmd, "%s", found)
		}
		found, err := (&idp.Flow{Client: &http.Client{Timeout: 15 * time.Second}}).Check(ctx, i.Issuer)
		if err != nil {
			return fmt.Errorf("discovery of %s failed: %w", i.Issuer, err)
		}
		return report(r.cmd, "%s", found)
	})
}

func idpRotateKeyCommand() *cobra.Command {
	short := "Give a tenant new signing and encryption keys (the old ones stay published, and the old encryption key still decrypts, for a day)"
	return idpCommand("rotate-key", short, false, func(ctx context.Context, r idpRun, _ string) error {
		kid, encKID, err := idp.NewKeys(r.e.db, r.box).Rotate(ctx, r.tenantID)
		if err != nil {
			return err
		}
		return report(r.cmd, "new signing key %s and encryption key %s for %s (the old ones stay published for a day)", kid, encKID, r.slug)
	})
}

// dash is s, or "-" when empty (a column of a listing).
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
