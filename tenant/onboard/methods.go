package onboard

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/tenant"
)

// Methods are a tenant's sign-in methods as the operator sees them.
type Methods struct {
	Local bool
	// IdPs are the tenant's providers, secrets left sealed.
	IdPs []idp.IdP
}

// Any says whether somebody can sign in: local accounts on or a provider enabled.
func (m Methods) Any() bool {
	return m.Local || slices.ContainsFunc(m.IdPs, func(i idp.IdP) bool { return i.Enabled })
}

// Methods reads t's sign-in methods.
func (o *Onboarder) Methods(ctx context.Context, t *tenant.Tenant) (Methods, error) {
	var m Methods
	err := db.InTenant(ctx, o.DB, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
		var err error
		m.Local, err = setting.Bool(ctx, tx, auth.SettingLocalAccounts)
		return err
	})
	if err != nil {
		return m, err
	}
	m.IdPs, err = o.IdPs.List(ctx, t.ID)
	return m, err
}

// SetLocal turns t's local accounts on or off; off is refused while no
// provider is enabled, since nobody could sign in.
func (o *Onboarder) SetLocal(ctx context.Context, t *tenant.Tenant, on bool) error {
	m, err := o.Methods(ctx, t)
	if err != nil {
		return err
	}
	if m.Local = on; !m.Any() {
		return ErrLastMethod
	}
	return db.InTenant(ctx, o.DB, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return auth.SetLocalAccounts(ctx, tx, on)
	})
}

// AddIdP adds provider i to t once its discovery document reads.
func (o *Onboarder) AddIdP(ctx context.Context, t *tenant.Tenant, i *idp.IdP) error {
	if err := o.checkIdP(ctx, i); err != nil {
		return err
	}
	i.TenantID = t.ID
	return o.IdPs.Add(ctx, i)
}

// RemoveIdP removes t's provider key, unless it is the last way to sign in.
func (o *Onboarder) RemoveIdP(ctx context.Context, t *tenant.Tenant, key string) error {
	m, err := o.Methods(ctx, t)
	if err != nil {
		return err
	}
	m.IdPs = slices.DeleteFunc(m.IdPs, func(i idp.IdP) bool { return i.Key == key })
	if !m.Any() {
		return ErrLastMethod
	}
	return o.IdPs.Remove(ctx, t.ID, key)
}
