package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/migrations"
	"github.com/piazza-pa/piazza/platform/migrate"
	"github.com/piazza-pa/piazza/platform/quota"
)

// Registry is the control plane's store of tenants and their hosts.
type Registry struct {
	db           *bun.DB
	baseDomain   string
	operatorHost string
	migrations   []migrate.Migration
	rolePrefix   string
	onProvision  []Hook
	onPurge      []Hook
	// afterPurgeHooks run once a purge has committed (leftover.go).
	afterPurgeHooks []AfterPurge
	onPlan          []func(ctx context.Context, t *Tenant) error
	// spares is how many spare schemas KeepSpares keeps ready; refill
	// wakes it after a claim.
	spares int
	refill chan struct{}
	// groupSize is how many tenant roles a login group takes.
	groupSize int
	observer  Observer // see Observe
	// local are told at once when this process changes a tenant (other
	// replicas learn it from NOTIFY a moment later).
	local []func(id int64)
}

// changed tells this process's caches that tenant id changed.
func (r *Registry) changed(id int64) {
	for _, f := range r.local {
		f(id)
	}
}

// Options configure a Registry.
type Options struct {
	// BaseDomain: every tenant answers on <slug>.<BaseDomain>.
	BaseDomain string
	// OperatorHost can never be a tenant's host.
	OperatorHost string
	// Migrations are the tenant migrations; nil means the embedded ones.
	Migrations fs.FS
	// OnProvision run inside the provisioning transaction, after the schema
	// is migrated (e.g. seeding the tenant's role permissions).
	OnProvision []Hook
	// OnPurge run inside the purge transaction, before the schema is dropped.
	OnPurge []Hook
	// AfterPurge run once the purge has committed (removing the tenant's
	// files); their failure leaves the tenant purged and is reported as
	// ErrPurgeUnfinished.
	AfterPurge []AfterPurge
	// SpareSchemas is how many spare schemas KeepSpares keeps ready for
	// provisioning (0: none; a tenant is then provisioned from scratch).
	SpareSchemas int
	// GroupSize is how many tenant roles a login group takes (0:
	// DefaultGroupSize); see platform/db/group.go.
	GroupSize int
}

// Hook is control-plane work that belongs to a tenant's provisioning or purge
// transaction; an error rolls the whole transaction back.
type Hook func(ctx context.Context, tx bun.Tx, t *Tenant) error

// NewRegistry returns the registry over db, whose control schema must be migrated.
func NewRegistry(ctx context.Context, db *bun.DB, o Options) (*Registry, error) {
	fsys := o.Migrations
	if fsys == nil {
		fsys = migrations.Tenant()
	}
	ms, err := migrate.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("tenant migrations: %w", err)
	}
	r := &Registry{db: db, baseDomain: o.BaseDomain, operatorHost: o.OperatorHost, migrations: ms,
		onProvision: o.OnProvision, onPurge: o.OnPurge, afterPurgeHooks: o.AfterPurge, spares: max(o.SpareSchemas, 0), refill: make(chan struct{}, 1),
		groupSize: o.GroupSize}
	if r.groupSize <= 0 {
		r.groupSize = DefaultGroupSize
	}
	if err := db.QueryRowContext(ctx, "SELECT role_prefix FROM piazza.installation").Scan(&r.rolePrefix); err != nil {
		return nil, fmt.Errorf("read installation (has `piazza migrate` run?): %w", err)
	}
	return r, nil
}

// DB is the pool the registry runs on; modules run tenant transactions on it.
func (r *Registry) DB() *bun.DB { return r.db }

// LatestVersion is the newest tenant migration this binary knows.
func (r *Registry) LatestVersion() int { return migrate.Latest(r.migrations) }

// DefaultHost is the host a tenant always answers on.
func (r *Registry) DefaultHost(slug string) string { return slug + "." + r.baseDomain }

// Get returns the tenant with slug, with its hosts.
func (r *Registry) Get(ctx context.Context, slug string) (*Tenant, error) {
	t := new(Tenant)
	err := r.db.NewSelect().Model(t).Where("slug = ?", slug).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, slug)
	}
	if err != nil {
		return nil, fmt.Errorf("get tenant: %w", err)
	}
	if err := r.loadHosts(ctx, r.db, t); err != nil {
		return nil, err
	}
	return t, r.loadPlans(ctx, r.db, t)
}

// List returns every tenant, by slug, with their hosts.
func (r *Registry) List(ctx context.Context) ([]*Tenant, error) {
	var ts []*Tenant
	if err := r.db.NewSelect().Model(&ts).Order("slug").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	var hs []host
	if err := r.db.NewSelect().Model(&hs).Order("is_default DESC", "host").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list hosts: %w", err)
	}
	byID := make(map[int64]*Tenant, len(ts))
	for _, t := range ts {
		t.Hosts = []string{}
		byID[t.ID] = t
	}
	for _, h := range hs {
		if t := byID[h.TenantID]; t != nil {
			t.Hosts = append(t.Hosts, h.Host)
		}
	}
	return ts, r.loadPlans(ctx, r.db, ts...)
}

func (r *Registry) loadHosts(ctx context.Context, idb bun.IDB, t *Tenant) error {
	t.Hosts = []string{}
	err := idb.NewSelect().Model((*host)(nil)).Column("host").
		Where("tenant_id = ?", t.ID).Order("is_default DESC", "host").Scan(ctx, &t.Hosts)
	if err != nil {
		return fmt.Errorf("load hosts: %w", err)
	}
	return nil
}

// ByHost returns the tenant answering on host (already normalised), with its hosts.
func (r *Registry) ByHost(ctx context.Context, h string) (*Tenant, error) {
	t := new(Tenant)
	err := r.db.NewSelect().Model(t).
		Where("id = (SELECT tenant_id FROM piazza.tenant_hosts WHERE host = ?)", h).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w with host %q", ErrNotFound, h)
	}
	if err != nil {
		return nil, fmt.Errorf("resolve host: %w", err)
	}
	if err := r.loadHosts(ctx, r.db, t); err != nil {
		return nil, err
	}
	return t, r.loadPlans(ctx, r.db, t)
}

// uniqueViolation returns the constraint name when err is a unique violation.
func uniqueViolation(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName, true
	}
	return "", false
}

// schemaName and roleName derive a tenant's PostgreSQL names from its slug;
// roles are cluster-wide, so theirs carry the installation's prefix.
func schemaName(slug string) string { return "t_" + strings.ReplaceAll(slug, "-", "_") }

func (r *Registry) roleName(slug string) string {
	return r.rolePrefix + "_" + strings.ReplaceAll(slug, "-", "_")
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// AddHost gives a tenant one more host name, at its admin's request
// (checked, lower-cased, not under the base domain, not taken).
func (r *Registry) AddHost(ctx context.Context, id int64, h string) (string, error) {
	n, err := NormalizeHost(h)
	if err != nil {
		return "", err
	}
	if err := r.checkHost(n, false); err != nil {
		return "", err
	}
	err = r.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		l, err := quota.Control(ctx, tx, id)
		if err != nil {
			return err
		}
		extra, err := tx.NewSelect().Model((*host)(nil)).Where("tenant_id = ? AND NOT is_default", id).Count(ctx)
		if err != nil {
			return err
		}
		if extra >= int64(l.Hosts) {
			return &quota.Exceeded{What: "hosts", Max: l.Hosts}
		}
		_, err = tx.NewInsert().Model(&host{Host: n, TenantID: id}).Exec(ctx)
		return err
	})
	if _, ok := uniqueViolation(err); ok {
		return "", hostTaken(n, "")
	}
	if err == nil {
		r.changed(id)
	}
	return n, err
}

// RemoveHost takes a host name from a tenant; its default host stays.
func (r *Registry) RemoveHost(ctx context.Context, id int64, h string) error {
	res, err := r.db.NewDelete().Model((*host)(nil)).Where("tenant_id = ? AND host = ? AND NOT is_default", id, strings.ToLower(h)).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %q is not a removable host of this tenant", ErrNotFound, h)
	}
	r.changed(id)
	return nil
}

// checkHost says whether n may be one of a tenant's extra host names. The
// operator's host and the base domain are never a tenant's; a name under the
// base domain is the operator's to give (an admin who took one would squat a
// future tenant's default host), and none that names a reserved word
// (www., login., operator. …) is given at all.
func (r *Registry) checkHost(n string, byOperator bool) error {
	if n == r.operatorHost || n == r.baseDomain {
		return invalid("reserved_host", []any{"Host", n}, "host %q is the operator console's or the base domain: a tenant cannot use it", n)
	}
	sub, under := strings.CutSuffix(n, "."+r.baseDomain)
	if !under {
		return nil
	}
	for _, label := range strings.Split(sub, ".") {
		if reserved[label] {
			return invalid("reserved_name", []any{"Host", n}, "host %q names a reserved word: choose another", n)
		}
	}
	if !byOperator {
		return invalid("operator_domain", []any{"Host", n, "Domain", r.baseDomain}, "host names under %s are given by the operator: add a domain of your own", r.baseDomain)
	}
	return nil
}
