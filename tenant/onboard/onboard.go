// Package onboard provisions a tenant with a way for its first admin to
// sign in from day one, and keeps each tenant's sign-in methods for the
// operator: local accounts (on, with an invitation to choose a password)
// and OpenID Connect providers (checked through their discovery document,
// secrets sealed at rest by platform/idp). The console, `piazza tenant
// create` and the CSV import all provision through it.
package onboard

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/tenant"
)

// Errors of onboarding.
var (
	// ErrDiscovery is a provider whose discovery document could not be read.
	ErrDiscovery = platform.NewKeyedError(platform.ErrInvalid, "idp.error.discovery",
		"issuer: the provider's discovery document could not be read")
	// ErrLastMethod refuses a change that would leave nobody a way to sign in.
	ErrLastMethod = platform.NewKeyedError(platform.ErrConflict, "onboard.error.last_method",
		"this would leave the tenant with no way to sign in")
	// ErrInvite is a tenant created whose invitation could not be sent.
	ErrInvite = errors.New("the invitation could not be sent")
)

// DefaultKey is the key of the provider chosen at creation when none is given.
const DefaultKey = "oidc"

// Choice is how a new tenant's first admin signs in: a local account, an
// OpenID Connect provider, or both.
type Choice struct {
	Local bool
	IdP   *idp.IdP
}

// resolved is c with the default applied: a first admin given by e-mail
// and no choice made gets a local account, so that they can sign in.
func (c Choice) resolved(adminEmail string) Choice {
	if !c.Local && c.IdP == nil && strings.TrimSpace(adminEmail) != "" {
		c.Local = true
	}
	return c
}

// Onboarder provisions tenants and changes their sign-in methods.
type Onboarder struct {
	DB       *bun.DB
	Registry *tenant.Registry
	IdPs     *idp.Store
	// Check reads an issuer's discovery document (idp.Flow.Check).
	Check func(ctx context.Context, issuer string) (string, error)
	// Local mails the invitations.
	Local *auth.Local
	// Scheme is the scheme the sites are served with (config.Scheme).
	Scheme string
}

// Create provisions the tenant of p with choice c in one transaction (a
// provider that fails its discovery creates nothing), then invites a
// local first admin. A tenant created whose invitation failed is returned
// with an error wrapping ErrInvite.
func (o *Onboarder) Create(ctx context.Context, p tenant.CreateParams, c Choice) (*tenant.Tenant, error) {
	c = c.resolved(p.AdminEmail)
	if q := p; o.Registry.Validate(&q) != nil {
		return o.Registry.Create(ctx, p) // the same refusal, said by Create
	}
	if c.IdP != nil {
		if err := o.checkIdP(ctx, c.IdP); err != nil {
			return nil, err
		}
	}
	p.Setup = func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error { return o.setup(ctx, tx, t, c) }
	t, err := o.Registry.Create(ctx, p)
	if err != nil {
		return nil, err
	}
	if c.Local {
		if err := o.Invite(ctx, t); err != nil {
			return t, fmt.Errorf("%w: %w", ErrInvite, err)
		}
	}
	return t, nil
}

// setup turns local accounts on and adds the provider, inside tx.
func (o *Onboarder) setup(ctx context.Context, tx bun.Tx, t *tenant.Tenant, c Choice) error {
	if c.Local {
		err := db.InTenantTx(ctx, tx, t.Scope(), func() error { return auth.SetLocalAccounts(ctx, tx, true) })
		if err != nil {
			return fmt.Errorf("turn local accounts on: %w", err)
		}
	}
	if c.IdP == nil {
		return nil
	}
	i := *c.IdP
	i.TenantID = t.ID
	return o.IdPs.In(tx).Add(ctx, &i)
}

// checkIdP checks i's fields (defaults filled) and reads its discovery.
func (o *Onboarder) checkIdP(ctx context.Context, i *idp.IdP) error {
	if i.Key == "" {
		i.Key = DefaultKey
	}
	if u, err := url.Parse(strings.TrimSpace(i.Issuer)); i.Label == "" && err == nil {
		i.Label = u.Hostname()
	}
	if err := i.Normalize(); err != nil {
		return err
	}
	if _, err := o.Check(ctx, i.Issuer); err != nil {
		return fmt.Errorf("%w (%v)", ErrDiscovery, err)
	}
	return nil
}

// Invite mails t's first admin a link to choose a password.
func (o *Onboarder) Invite(ctx context.Context, t *tenant.Tenant) error {
	if t.AdminEmail == "" {
		return nil
	}
	base := o.URL(t, "")
	return db.InTenant(ctx, o.DB, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return o.Local.Invite(ctx, tx, base, t.Name, t.AdminEmail)
	})
}

// URL is the address of path on t's default host, with the sites' scheme.
func (o *Onboarder) URL(t *tenant.Tenant, path string) string {
	return t.URL(o.Scheme, o.Registry.DefaultHost(t.Slug), path)
}

// RedirectURI is the callback to register at provider key of t.
func (o *Onboarder) RedirectURI(t *tenant.Tenant, key string) string {
	return o.URL(t, "/auth/oidc/"+key+"/callback")
}
