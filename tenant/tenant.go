// Package tenant is Piazza's control plane: the registry of tenants and their
// host names, provisioning (a role and a schema per tenant), the lifecycle
// (suspend, resume, delete, restore, purge), the rollout of tenant migrations
// and the resolution of a request's Host header to its tenant.
package tenant

import (
	"context"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/site"
)

// Status is where a tenant is in its lifecycle.
type Status string

// The statuses of a tenant.
const (
	StatusProvisioning Status = "provisioning"
	StatusActive       Status = "active"
	StatusSuspended    Status = "suspended"
	StatusDeleting     Status = "deleting"
)

// Tenant is one administration, cluster or network served by Piazza.
type Tenant struct {
	bun.BaseModel `bun:"table:piazza.tenants,alias:t"`

	ID         int64  `bun:"id,pk,autoincrement" json:"id"`
	Slug       string `bun:"slug" json:"slug"`
	Name       string `bun:"name" json:"name"`
	Status     Status `bun:"status" json:"status"`
	SchemaName string `bun:"schema_name" json:"schema"`
	RoleName   string `bun:"role_name" json:"role"`
	// LoginRole is the login group whose connections take RoleName (""
	// while the main login role does, until `piazza migrate` moves it).
	LoginRole     string     `bun:"login_role,nullzero" json:"-"`
	SchemaVersion int        `bun:"schema_version" json:"schema_version"`
	AdminEmail    string     `bun:"admin_email,nullzero" json:"admin_email,omitempty"`
	Brand         Brand      `bun:"brand,type:jsonb" json:"brand"`
	PlanID        int64      `bun:"plan_id,nullzero,default:piazza.default_plan()" json:"-"`
	DeletedAt     *time.Time `bun:"deleted_at" json:"deleted_at,omitempty"`
	// Billing is where the tenant stands with its payments (see package
	// tenant/billing); BillingGraceUntil ends a grace period.
	Billing           BillingState `bun:"billing_state,nullzero,default:'none'" json:"billing,omitempty"`
	BillingGraceUntil *time.Time   `bun:"billing_grace_until" json:"billing_grace_until,omitempty"`
	CreatedAt         time.Time    `bun:"created_at,nullzero,default:now()" json:"created_at"`
	UpdatedAt         time.Time    `bun:"updated_at,nullzero,default:now()" json:"updated_at"`

	Hosts []string `bun:"-" json:"hosts"`
	// Plan is the tenant's plan, read with the tenant.
	Plan *Plan `bun:"-" json:"plan,omitempty"`
	// AdminUserID is the first admin's user id in the tenant's schema, set
	// by Create when an admin e-mail was given (for provisioning hooks).
	AdminUserID int64 `bun:"-" json:"-"`
}

// Domain is the tenant's authorisation domain: its id as text.
func (t *Tenant) Domain() string { return strconv.FormatInt(t.ID, 10) }

// Scope is where the tenant's queries run.
func (t *Tenant) Scope() db.Scope {
	return db.Scope{Schema: t.SchemaName, Role: t.RoleName, Login: t.LoginRole}
}

// host is one row of piazza.tenant_hosts.
type host struct {
	bun.BaseModel `bun:"table:piazza.tenant_hosts,alias:h"`

	Host      string    `bun:"host,pk"`
	TenantID  int64     `bun:"tenant_id"`
	IsDefault bool      `bun:"is_default"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()"`
}

type ctxKey struct{}

// NewContext returns ctx carrying t, and t's site for platform code (see
// site.FromContext); the tenant middleware calls it once per request.
func NewContext(ctx context.Context, t *Tenant) context.Context {
	return site.NewContext(context.WithValue(ctx, ctxKey{}, t), t.Site())
}

// FromContext returns the request's tenant, or nil outside a tenant request.
func FromContext(ctx context.Context) *Tenant {
	t, _ := ctx.Value(ctxKey{}).(*Tenant)
	return t
}

// Tx runs fn in a transaction scoped to the tenant of ctx (see site.Tx).
// It fails when ctx carries no tenant.
func Tx(ctx context.Context, idb bun.IDB, fn func(ctx context.Context, tx bun.Tx) error) error {
	return site.Tx(ctx, idb, fn)
}
