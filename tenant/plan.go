package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/site"
	"github.com/piazza-pa/piazza/platform/web"
)

// DefaultPlan is the slug of the plan a tenant gets when none is named.
const DefaultPlan = "standard"

// Plan is what a region sells or gives to an administration: a price (none
// for an inter-administration agreement) and the quotas Piazza enforces.
type Plan struct {
	bun.BaseModel `bun:"table:piazza.plans,alias:p"`

	ID   int64  `bun:"id,pk,autoincrement" json:"-"`
	Slug string `bun:"slug" json:"slug"`
	Name string `bun:"name" json:"name"`
	// PriceCents is the monthly price in cents; nil is no charge.
	PriceCents *int64 `bun:"price_cents" json:"price_cents"`
	Currency   string `bun:"currency" json:"currency"`
	MaxMembers int64  `bun:"max_members" json:"max_members"`
	MaxStorage int64  `bun:"max_storage_bytes" json:"max_storage_bytes"`
	// Modules are the module keys a tenant may switch on; nil is every module.
	Modules  []string `bun:"modules,array" json:"modules"`
	MaxHosts int      `bun:"max_hosts" json:"max_hosts"`
	MaxIdPs  int      `bun:"max_idps" json:"max_idps"`
	// Stripe are the plan's prices in Stripe (tenant/billing creates them).
	Stripe    StripePrices `bun:"embed:stripe_" json:"-"`
	CreatedAt time.Time    `bun:"created_at,nullzero,default:now()" json:"created_at"`
	UpdatedAt time.Time    `bun:"updated_at,nullzero,default:now()" json:"updated_at"`
}

// StripePrices are a priced plan's prices in Stripe: the monthly base price
// and the metered prices of active members and of storage.
type StripePrices struct {
	Price   string `bun:"price_id,nullzero"`
	Members string `bun:"members_price_id,nullzero"`
	Storage string `bun:"storage_price_id,nullzero"`
}

// Limits are the plan's quotas as platform code enforces them.
func (p *Plan) Limits() *site.Limits {
	if p == nil {
		return nil
	}
	return &site.Limits{Plan: p.Slug, Members: p.MaxMembers, StorageBytes: p.MaxStorage,
		Hosts: p.MaxHosts, IdPs: p.MaxIdPs, Modules: p.Modules}
}

// AllowsModule says whether the plan lets a tenant switch module key on.
func (p *Plan) AllowsModule(key string) bool {
	return p == nil || p.Modules == nil || slices.Contains(p.Modules, key)
}

// Offers says whether the tenant's site offers module key: its plan
// allows the module and its published look does not switch it off (nil:
// outside any tenant, every module). What a module gives other pages —
// the feed, search — it gives only while offered, as its pages answer 404
// otherwise (web.SectionGuard).
func (t *Tenant) Offers(key string) bool {
	return t == nil || (!slices.Contains(t.Brand.Published.Off, key) && t.Plan.AllowsModule(key))
}

// Offered is what of sources (modules giving other pages their search,
// feed, inbox, community tabs) the tenant of ctx offers: a module that is
// a section of the navigation gives nothing while switched off or outside
// the tenant's plan; the others always give.
func Offered[S any](ctx context.Context, sources []S) []S {
	t := FromContext(ctx)
	if t == nil {
		return sources
	}
	out := sources[:0:0]
	for _, s := range sources {
		if sec, ok := any(s).(web.Sectioned); !ok || t.Offers(sec.Section().Key) {
			out = append(out, s)
		}
	}
	return out
}

// ErrPlanNotFound is a plan slug that names none.
var ErrPlanNotFound = errors.New("no such plan")

// Plans returns every plan, by slug.
func (r *Registry) Plans(ctx context.Context) ([]*Plan, error) {
	var ps []*Plan
	if err := r.db.NewSelect().Model(&ps).Order("slug").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	return ps, nil
}

// Plan returns the plan with slug ("" is the default plan).
func (r *Registry) Plan(ctx context.Context, slug string) (*Plan, error) {
	return planBySlug(ctx, r.db, slug)
}

func planBySlug(ctx context.Context, idb bun.IDB, slug string) (*Plan, error) {
	if slug == "" {
		slug = DefaultPlan
	}
	p := new(Plan)
	err := idb.NewSelect().Model(p).Where("slug = ?", slug).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &InputError{msg: fmt.Sprintf("%v: %q (see `piazza plan list`)", ErrPlanNotFound, slug),
			key: "tenant.error.plan_unknown", args: []any{"Plan", slug}, Field: "plan"}
	}
	if err != nil {
		return nil, fmt.Errorf("get plan: %w", err)
	}
	return p, nil
}

// loadPlans sets the plan of each of ts.
func (r *Registry) loadPlans(ctx context.Context, idb bun.IDB, ts ...*Tenant) error {
	seen := map[int64]bool{}
	var ids []int64
	for _, t := range ts {
		if !seen[t.PlanID] {
			seen[t.PlanID] = true
			ids = append(ids, t.PlanID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var ps []*Plan
	if err := idb.NewSelect().Model(&ps).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return fmt.Errorf("load plans: %w", err)
	}
	byID := make(map[int64]*Plan, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
	}
	for _, t := range ts {
		t.Plan = byID[t.PlanID]
	}
	return nil
}

// SetPlan gives tenant slug plan planSlug; the new quotas hold on every
// replica at once.
func (r *Registry) SetPlan(ctx context.Context, slug, planSlug string) (*Tenant, error) {
	p, err := r.Plan(ctx, planSlug)
	if err != nil {
		return nil, err
	}
	res, err := r.db.NewUpdate().Model((*Tenant)(nil)).Set("plan_id = ?", p.ID).Set("updated_at = now()").
		Where("slug = ?", slug).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("set plan: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, slug)
	}
	t, err := r.Get(ctx, slug)
	if err != nil {
		return nil, err
	}
	r.changed(t.ID)
	return t, r.planChanged(ctx, t)
}

// OnPlan adds f to what runs once a tenant is created on a plan or moved
// to another (billing subscribes it); wired once at start-up.
func (r *Registry) OnPlan(f func(ctx context.Context, t *Tenant) error) {
	r.onPlan = append(r.onPlan, f)
}

// planChanged runs the OnPlan functions for t; the tenant stays on its
// plan whatever they answer.
func (r *Registry) planChanged(ctx context.Context, t *Tenant) error {
	if t.Plan == nil {
		return nil
	}
	for _, f := range r.onPlan {
		if err := f(ctx, t); err != nil {
			return fmt.Errorf("tenant %s on plan %s: %w", t.Slug, t.Plan.Slug, err)
		}
	}
	return nil
}
