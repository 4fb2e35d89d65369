package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	fedmod "github.com/piazza-pa/piazza/modules/federation"
	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/tenant"
)

// federation is the installation's OpenID Federation settings.
func (e *env) federation() federation.Config {
	return federation.Config{EntityID: e.cfg.FederationEntityID, AuthorityHints: e.cfg.FederationAuthorityHints,
		Organization: e.cfg.FederationOrganization, Contacts: e.cfg.FederationContacts}
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
					return changeSettings(cmd, s, fedmod.Of(t).EntityID(e.scheme()), reset, hints, marks, contacts)
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

// changeSettings applies the flags given to s.
func changeSettings(cmd *cobra.Command, s *federation.Settings, entityID string, reset bool, hints, marks, contacts []string) error {
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
			s.TrustMarks = append(s.TrustMarks, m)
		}
	}
	return nil
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
	svc := federation.Service{Config: e.federation()}
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
