package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/onboard"
)

// signInFlags are the flags of `tenant create` that choose how the first
// admin signs in.
type signInFlags struct {
	local       bool
	idp         idp.IdP
	secretStdin bool
}

func (f *signInFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.local, "local-accounts", false, "turn local accounts on and invite the first admin to choose a password (the default with --admin-email and no --idp-issuer)")
	fl.StringVar(&f.idp.Issuer, "idp-issuer", "", "an OpenID Connect provider for the first admin: its issuer URL (its discovery is read at once)")
	fl.StringVar(&f.idp.ClientID, "idp-client-id", "", "the provider's client id for this tenant")
	fl.BoolVar(&f.secretStdin, "idp-client-secret-stdin", false, "read the provider's client secret from standard input")
	fl.StringVar(&f.idp.Key, "idp-key", "", "the provider's key in the sign-in URLs (default "+onboard.DefaultKey+")")
	fl.StringVar(&f.idp.Label, "idp-label", "", "the provider's button label (default: its host name)")
}

// choice is the sign-in choice the flags make.
func (f *signInFlags) choice(cmd *cobra.Command) (onboard.Choice, error) {
	c := onboard.Choice{Local: f.local}
	if f.idp.Issuer == "" && f.idp.ClientID == "" {
		return c, nil
	}
	i := f.idp
	if f.secretStdin {
		var err error
		if i.ClientSecret, err = readLine(cmd); err != nil {
			return c, err
		}
	}
	c.IdP = &i
	return c, nil
}

// createTenant provisions p with the flags' sign-in choice and reports
// where the tenant answers and how its first admin signs in.
func createTenant(ctx context.Context, cmd *cobra.Command, e *env, p tenant.CreateParams, f *signInFlags) error {
	c, err := f.choice(cmd)
	if err != nil {
		return err
	}
	o, err := e.onboarder()
	if err != nil {
		return err
	}
	t, err := o.Create(ctx, p, c)
	if t == nil {
		return err
	}
	urls := make([]string, len(t.Hosts))
	for i, h := range t.Hosts {
		urls[i] = t.URL(o.Scheme, h, "")
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "created tenant %s (%s), serving on %s\n", t.Slug, t.Name, strings.Join(urls, ", "))
	fmt.Fprintf(out, "sign-in page: %s\n", o.URL(t, "/auth/login"))
	if errors.Is(err, onboard.ErrInvite) {
		return fmt.Errorf("tenant created, but the invitation to %s failed: %w", t.AdminEmail, err)
	}
	if c.IdP != nil {
		fmt.Fprintf(out, "identity provider %s added; register this redirect URI at the provider: %s\n", c.IdP.Key, o.RedirectURI(t, c.IdP.Key))
	}
	if t.AdminEmail != "" && (c.Local || c.IdP == nil) {
		fmt.Fprintf(out, "invitation to choose a password sent to %s\n", t.AdminEmail)
	}
	return nil
}
