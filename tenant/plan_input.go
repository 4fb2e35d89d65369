package tenant

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// PlanInput is a plan as an operator types it (console form, command line):
// price "12.50" or "" for no charge, storage "10GiB", modules "news,
// discussion" or "" for every module.
type PlanInput struct {
	Slug, Name, Price, Currency, Members, Storage, Modules, Hosts, IdPs string
}

// Input is the plan as an operator would type it, for a form to edit.
func (p *Plan) Input() PlanInput {
	in := PlanInput{Slug: p.Slug, Name: p.Name, Currency: p.Currency,
		Members: strconv.FormatInt(p.MaxMembers, 10), Storage: FormatBytes(p.MaxStorage),
		Modules: strings.Join(p.Modules, ","), Hosts: strconv.Itoa(p.MaxHosts), IdPs: strconv.Itoa(p.MaxIdPs)}
	if p.PriceCents != nil {
		in.Price = fmt.Sprintf("%d.%02d", *p.PriceCents/100, *p.PriceCents%100)
	}
	return in
}

// units are the suffixes a storage quota may carry.
var units = []struct {
	suffix string
	n      int64
}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}

// FormatBytes is n with the largest binary unit that divides it.
func FormatBytes(n int64) string {
	for _, u := range units[:4] {
		if n >= u.n && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// parseBytes reads "10GiB", "500 MB" or a number of bytes.
func parseBytes(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	unit := int64(1)
	for _, u := range units {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, unit = strings.TrimSpace(v), u.n
			break
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f*float64(unit) > math.MaxInt64/2 {
		return 0, false
	}
	return int64(f * float64(unit)), true
}

// moduleKey is the form of a module's key (web.Section.Key).
var moduleKey = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// planInvalid is a bad field of a plan.
func planInvalid(field, key string, args []any, format string, fargs ...any) error {
	return about(field, invalid("plan_"+key, args, format, fargs...))
}

// parse checks in and fills p; it says what is wrong with the first bad field.
func (in PlanInput) parse(p *Plan) error {
	if err := CheckSlug(strings.TrimSpace(in.Slug)); err != nil {
		return about("slug", err)
	}
	name, err := checkName(in.Name)
	if err != nil {
		return about("name", err)
	}
	p.Slug, p.Name = strings.TrimSpace(in.Slug), name
	if p.PriceCents, err = parsePrice(in.Price); err != nil {
		return err
	}
	p.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if p.Currency == "" {
		p.Currency = "EUR"
	}
	if len(p.Currency) != 3 || strings.Trim(p.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return planInvalid("currency", "currency", []any{"Value", in.Currency}, "currency %q is not a three-letter code such as EUR", in.Currency)
	}
	return in.parseQuotas(p)
}

func parsePrice(s string) (*int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if s == "" || strings.EqualFold(s, "none") || s == "-" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e12 {
		return nil, planInvalid("price", "price", []any{"Value", s}, "price %q is not an amount such as 120.00 (leave it empty for no charge)", s)
	}
	c := int64(math.Round(f * 100))
	return &c, nil
}

// parseQuotas reads the quotas of in into p.
func (in PlanInput) parseQuotas(p *Plan) error {
	count := func(field, s string, min int64) (int64, error) {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n < min || n > math.MaxInt32 {
			return 0, planInvalid(field, "count", []any{"Value", s, "Min", min}, "%s: %q is not a whole number of at least %d", field, s, min)
		}
		return n, nil
	}
	var err error
	if p.MaxMembers, err = count("members", in.Members, 1); err != nil {
		return err
	}
	var ok bool
	if p.MaxStorage, ok = parseBytes(in.Storage); !ok {
		return planInvalid("storage", "storage", []any{"Value", in.Storage}, "storage %q is not a size such as 10GiB or 500MB", in.Storage)
	}
	hosts, err := count("hosts", in.Hosts, 0)
	if err != nil {
		return err
	}
	idps, err := count("idps", in.IdPs, 0)
	if err != nil {
		return err
	}
	p.MaxHosts, p.MaxIdPs = int(hosts), int(idps)
	p.Modules = nil
	for _, k := range strings.FieldsFunc(in.Modules, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if !moduleKey.MatchString(k) {
			return planInvalid("modules", "module", []any{"Value", k}, "module key %q is not one: lower-case letters", k)
		}
		p.Modules = append(p.Modules, k)
	}
	if p.Modules == nil && strings.TrimSpace(in.Modules) != "" {
		p.Modules = []string{}
	}
	return nil
}

// CreatePlan records a new plan.
func (r *Registry) CreatePlan(ctx context.Context, in PlanInput) (*Plan, error) {
	p := new(Plan)
	if err := in.parse(p); err != nil {
		return nil, err
	}
	_, err := r.db.NewInsert().Model(p).Returning("id, created_at, updated_at").Exec(ctx)
	if _, ok := uniqueViolation(err); ok {
		return nil, planInvalid("slug", "taken", []any{"Value", p.Slug}, "plan %q exists already", p.Slug)
	}
	if err != nil {
		return nil, fmt.Errorf("create plan: %w", err)
	}
	return p, nil
}

// UpdatePlan changes plan slug to in (whose slug must be the same); its
// tenants' replicas learn the new quotas at once.
func (r *Registry) UpdatePlan(ctx context.Context, slug string, in PlanInput) (*Plan, error) {
	old, err := r.Plan(ctx, slug)
	if err != nil {
		return nil, err
	}
	p := &Plan{ID: old.ID}
	in.Slug = slug // a plan's slug names it in scripts and imports: it stays
	if err := in.parse(p); err != nil {
		return nil, err
	}
	p.UpdatedAt = time.Now()
	_, err = r.db.NewUpdate().Model(p).Column("name", "price_cents", "currency", "max_members", "max_storage_bytes",
		"modules", "max_hosts", "max_idps", "updated_at").WherePK().Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("update plan: %w", err)
	}
	var ids []int64
	if err := r.db.NewSelect().Model((*Tenant)(nil)).Column("id").Where("plan_id = ?", p.ID).Scan(ctx, &ids); err != nil {
		return nil, err
	}
	for _, id := range ids {
		r.changed(id)
	}
	return r.Plan(ctx, slug)
}
