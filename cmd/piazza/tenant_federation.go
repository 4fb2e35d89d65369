package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/config"
	fedmod "github.com/piazza-pa/piazza/modules/federation"
	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/tenant"
)

// federation is the installation's OpenID Federation settings.
func (e *env) federation() (federation.Config, error) {
	c := federation.Config{EntityID: e.cfg.FederationEntityID, AuthorityHints: e.cfg.FederationAuthorityHints,
		Organization: e.cfg.FederationOrganization, Contacts: e.cfg.FederationContacts}
	if e.cfg.FederationRPPolicy != "" {
		if err := json.Unmarshal([]byte(e.cfg.FederationRPPolicy), &c.RPPolicy); err != nil {
			return c, fmt.Errorf("PIAZZA_FEDERATION_RP_POLICY: %w", err)
		}
		if err := federation.CheckPolicy(c.RPPolicy); err != nil {
			return c, fmt.Errorf("PIAZZA_FEDERATION_RP_POLICY: %w", err)
		}
	}
	return c, nil
}

// tenantFederationCommand is `tenant federation`: a tenant's settings as
// an OpenID Federation relying party, and its federation key.
func tenantFederationCommand() *cobra.Command {
	var hints, marks, contacts []string
	var reset, rotate, rotateNow bool
	cmd := &cobra.Command{
		Use:   "federation SLUG [--authority-hint URL …] [--trust-mark JWT …] [--contact EMAIL …] [--reset] [--rotate-key | --rotate-key-now]",
		Short: "Show or set a tenant's OpenID Federation settings (authority hints, trust marks, contacts) and rotate its federation key",
		Long: `Without flags, shows the tenant's settings. Each flag given replaces that list
(repeat it for several values; give it empty to clear the list); --reset
clears them all. With no authority hint of its own a tenant names the
installation, when PIAZZA_FEDERATION_ENTITY_ID makes it an intermediate.
--rotate-key makes the next federation key: published at once, it signs
24 hours later, once every superior's statement carries it; the old key
stays published 48 hours more. --rotate-key-now makes it sign at once (for
a key thought compromised: chains through superiors that have not fetched
it yet fail until they do).`,
		Example: `  piazza tenant federation lazio --authority-hint https://oidc.registry.servizicie.interno.gov.it \
    --trust-mark "$(cat lazio-trust-mark.jwt)" --contact spid@regione.lazio.it`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withTenant(cmd, args[0], func(ctx context.Context, e *env, t *tenant.Tenant) error {
				return runTenantFederation(ctx, cmd, e, t, func(s *federation.Settings) error {
					return changeSettings(ctx, cmd, e, s, fedmod.Of(t).EntityID(e.scheme()), reset, hints, marks, contacts)
				}, rotate, rotateNow)
			})
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&hints, "authority-hint", nil, "entity id of a superior (an intermediate or the trust anchor)")
	f.StringArrayVar(&marks, "trust-mark", nil, "a trust mark issued to the tenant (a signed JWT)")
	f.StringSliceVar(&contacts, "contact", nil, "an e-mail address published in the metadata (default: the admin's)")
	f.BoolVar(&reset, "reset", false, "clear the authority hints, trust marks and contacts")
	f.BoolVar(&rotate, "rotate-key", false, "make the next federation key: published now, signing in 24 hours")
	f.BoolVar(&rotateNow, "rotate-key-now", false, "make a new federation key that signs at once")
	return cmd
}

// changeSettings applies the flags given to s. A trust mark's signature is
// checked with its issuer's keys when the issuer can be reached.
func changeSettings(ctx context.Context, cmd *cobra.Command, e *env, s *federation.Settings, entityID string, reset bool, hints, marks, contacts []string) error {
	if reset {
		s.AuthorityHints, s.TrustMarks, s.Contacts = nil, nil, nil
	}
	nonEmpty := func(xs []string) []string {
		out := []string{}
		for _, x := range xs {
			if strings.TrimSpace(x) != "" {
				out = append(out, strings.TrimSpace(x))
			}
		}
		return out
	}
	if cmd.Flags().Changed("authority-hint") {
		s.AuthorityHints = nonEmpty(hints)
	}
	if cmd.Flags().Changed("contact") {
		s.Contacts = nonEmpty(contacts)
	}
	if cmd.Flags().Changed("trust-mark") {
		s.TrustMarks = []federation.TrustMark{}
		for _, jwt := range nonEmpty(marks) {
			m, err := federation.ParseTrustMark(jwt, entityID, time.Now())
			if err != nil {
				return err
			}
			if err := checkTrustMark(ctx, cmd, e, m); err != nil {
				return err
			}
			s.TrustMarks = append(s.TrustMarks, m)
		}
	}
	return nil
}

// checkTrustMark checks m's signature with its issuer's keys (a configured
// trust anchor's, or its entity configuration's) and says so; an issuer
// that cannot be reached leaves it unchecked, said too.
func checkTrustMark(ctx context.Context, cmd *cobra.Command, e *env, m federation.TrustMark) error {
	r := &federation.Resolver{Client: &http.Client{Timeout: 15 * time.Second}}
	if e.cfg.FederationTrustAnchors != "" {
		as, err := federation.LoadAnchors(e.cfg.FederationTrustAnchors)
		if err != nil {
			return fmt.Errorf("PIAZZA_FEDERATION_TRUST_ANCHORS: %w", err)
		}
		r.Anchors = as
	}
	iss, err := r.CheckTrustMark(ctx, m.JWT)
	if errors.Is(err, federation.ErrIssuerUnreachable) {
		return report(cmd, "trust mark %s: signature not checked: %v", m.Type, err)
	}
	if err != nil {
		return err
	}
	return report(cmd, "trust mark %s: signature verified with the keys of its issuer %s", m.Type, iss)
}

func runTenantFederation(ctx context.Context, cmd *cobra.Command, e *env, t *tenant.Tenant, change func(*federation.Settings) error, rotate, now bool) error {
	box, err := e.box()
	if err != nil {
		return err
	}
	keys := federation.NewKeys(e.db, box)
	s, err := keys.Settings(ctx, t.ID)
	if err != nil {
		return err
	}
	if rotate && now {
		return fmt.Errorf("--rotate-key and --rotate-key-now: choose one")
	}
	if cmd.Flags().NFlag() > 0 && !(cmd.Flags().NFlag() == 1 && (rotate || now)) {
		if err := change(s); err != nil {
			return err
		}
		if err := keys.SaveSettings(ctx, s); err != nil {
			return err
		}
	}
	if rotate || now {
		ahead := federation.Prepublish
		if now {
			ahead = 0
		}
		kid, from, err := keys.Rotate(ctx, t.ID, ahead)
		if err != nil {
			return err
		}
		if err := report(cmd, "new federation key %s for %s, published now, signing from %s (the previous one stays published 48 hours more)",
			kid, t.Slug, from.UTC().Format(time.RFC3339)); err != nil {
			return err
		}
	}
	fc, err := e.federation()
	if err != nil {
		return err
	}
	svc := federation.Service{Config: fc}
	id := fedmod.Of(t).EntityID(e.scheme())
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "entity id:        %s\n", id)
	fmt.Fprintf(out, "configuration:    %s%s\n", id, federation.WellKnown)
	fmt.Fprintf(out, "authority hints:  %s\n", orNone(svc.AuthorityHints(s)))
	types := []string{}
	for _, m := range s.TrustMarks {
		types = append(types, m.Type)
	}
	fmt.Fprintf(out, "trust marks:      %s\n", orNone(types))
	contacts := s.Contacts
	if len(contacts) == 0 && t.AdminEmail != "" {
		contacts = []string{t.AdminEmail + " (the admin's)"}
	}
	return report(cmd, "contacts:         %s", orNone(contacts))
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "(none)"
	}
	return strings.Join(xs, ", ")
}

// federationCommand is `federation`: the installation's own key, and the
// resolution of a provider's trust chain.
func federationCommand() *cobra.Command {
	return group("federation", "The installation in the OpenID Federation: its key as intermediate, providers' trust chains",
		federationResolveCommand(), federationRotateCommand())
}

func federationResolveCommand() *cobra.Command {
	var anchors string
	cmd := &cobra.Command{
		Use:   "resolve ENTITY_ID [--anchors FILE]",
		Short: "Resolve an OpenID provider's trust chain to the trust anchors and print its resolved metadata",
		Long: `Fetches the provider's entity configuration, walks its authority hints to one
of the trust anchors (PIAZZA_FEDERATION_TRUST_ANCHORS or --anchors: a JSON
array of {"entity_id": URL, "jwks": {"keys": [...]}}), verifies every
statement and applies the metadata policies; prints the chain, its expiry
and the resolved openid_provider metadata, or which link failed and why.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.Load(os.LookupEnv, config.ModeTool) // no database: the chain is all on the network
			if err != nil {
				return fmt.Errorf("configuration:\n%w", err)
			}
			if anchors == "" {
				anchors = cfg.FederationTrustAnchors
			}
			if anchors == "" {
				return fmt.Errorf("no trust anchors: set PIAZZA_FEDERATION_TRUST_ANCHORS or give --anchors")
			}
			as, err := federation.LoadAnchors(anchors)
			if err != nil {
				return err
			}
			r := &federation.Resolver{Anchors: as, Client: &http.Client{Timeout: 15 * time.Second}}
			res, err := r.ResolveProvider(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			meta, err := json.MarshalIndent(res.Provider(), "", "  ")
			if err != nil {
				return err
			}
			marks := []string{}
			for _, m := range res.TrustMarks {
				marks = append(marks, m.Type+" (by "+m.Issuer+")")
			}
			return report(cmd, "chain:        %s\ntrust anchor: %s\nexpires:      %s\ntrust marks:  %s\nopenid_provider:\n%s",
				strings.Join(res.Path, " → "), res.TrustAnchor, res.Expires.UTC().Format(time.RFC3339), orNone(marks), meta)
		},
	}
	cmd.Flags().StringVar(&anchors, "anchors", "", "JSON file of the trust anchors (default: PIAZZA_FEDERATION_TRUST_ANCHORS)")
	return cmd
}

func federationRotateCommand() *cobra.Command {
	var now bool
	cmd := &cobra.Command{
		Use:   "rotate-key [--now]",
		Short: "Make the installation's next federation key (as intermediate): published now, signing in 24 hours",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRegistry(cmd, func(ctx context.Context, e *env) error {
				box, err := e.box()
				if err != nil {
					return err
				}
				ahead := federation.Prepublish
				if now {
					ahead = 0
				}
				kid, from, err := federation.NewKeys(e.db, box).Rotate(ctx, federation.Installation, ahead)
				if err != nil {
					return err
				}
				return report(cmd, "new federation key %s of the installation, published now, signing from %s (the previous one stays published 48 hours more)",
					kid, from.UTC().Format(time.RFC3339))
			})
		},
	}
	cmd.Flags().BoolVar(&now, "now", false, "sign with it at once (for a key thought compromised)")
	return cmd
}
