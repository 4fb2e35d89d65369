package tenant

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/quota"
)

// Usage is what a tenant uses of its plan's quotas.
type Usage struct {
	Slug string `json:"slug"`
	Plan string `json:"plan"`
	quota.Usage
	// Hosts are the host names besides the default one; IdPs the identity
	// providers.
	Hosts int `json:"hosts"`
	IdPs  int `json:"idps"`
	// Off are the modules switched off by the tenant's admins or left out
	// by the plan (of those the plan names).
	Off []string `json:"modules_off"`
	// Limits are the plan's quotas.
	Limits *Plan `json:"limits"`
}

// Near says which quotas are at 80% or more: "members", "storage",
// "hosts", "idps".
func (u *Usage) Near() []string {
	var out []string
	p := u.Limits
	for _, q := range []struct {
		name      string
		used, max int64
	}{{"members", u.Members, p.MaxMembers}, {"storage", u.StorageBytes, p.MaxStorage},
		{"hosts", int64(u.Hosts), int64(p.MaxHosts)}, {"idps", int64(u.IdPs), int64(p.MaxIdPs)}} {
		if quota.Near(q.used, q.max) {
			out = append(out, q.name)
		}
	}
	return out
}

// Usage reads t's usage: members and storage in one statement of the
// tenant's own transaction, host names and identity providers in one
// statement of the control schema.
func (r *Registry) Usage(ctx context.Context, t *Tenant) (*Usage, error) {
	u := &Usage{Slug: t.Slug, Limits: t.Plan, Off: t.Brand.Published.Off}
	if t.Plan != nil {
		u.Plan = t.Plan.Slug
	}
	if u.Off == nil {
		u.Off = []string{}
	}
	err := db.InTenant(ctx, r.db, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
		var err error
		u.Usage, err = quota.Read(ctx, tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("usage of %s: %w", t.Slug, err)
	}
	err = r.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM piazza.tenant_hosts WHERE tenant_id = ? AND NOT is_default),
		(SELECT count(*) FROM piazza.tenant_idps WHERE tenant_id = ?)`, t.ID, t.ID).Scan(&u.Hosts, &u.IdPs)
	if err != nil {
		return nil, fmt.Errorf("usage of %s: %w", t.Slug, err)
	}
	return u, nil
}
