package authz

import (
	"context"
	"errors"
	"fmt"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/uptrace/bun"
)

// rule is one row of piazza.casbin_rules.
type rule struct {
	bun.BaseModel `bun:"table:piazza.casbin_rules,alias:r"`

	ID    int64  `bun:"id,pk,autoincrement"`
	Ptype string `bun:"ptype"`
	V0    string `bun:"v0"`
	V1    string `bun:"v1"`
	V2    string `bun:"v2"`
	V3    string `bun:"v3"`
	V4    string `bun:"v4"`
	V5    string `bun:"v5"`
}

func (r *rule) values() []string {
	vs := []string{r.V0, r.V1, r.V2, r.V3, r.V4, r.V5}
	n := len(vs)
	for n > 0 && vs[n-1] == "" {
		n--
	}
	return vs[:n]
}

func newRule(ptype string, vs []string) *rule {
	r := &rule{Ptype: ptype}
	dst := []*string{&r.V0, &r.V1, &r.V2, &r.V3, &r.V4, &r.V5}
	for i, v := range vs {
		if i < len(dst) {
			*dst[i] = v
		}
	}
	return r
}

// Filter loads the rules of one tenant (its id as text) and those of every
// tenant ("*").
type Filter struct{ Domain string }

// adapter stores Casbin rules in the control schema (no maintained adapter
// for bun or pgx exists). It loads one domain at a time; the Authorizer
// writes rules itself, so the write methods refuse, to keep one write path.
type adapter struct {
	db       bun.IDB
	filtered bool
}

var errReadOnly = errors.New("authz: policies are changed through the Authorizer")

// LoadPolicy loads every rule; the Authorizer only ever loads filtered.
func (a *adapter) LoadPolicy(m model.Model) error {
	return a.load(context.Background(), m, nil)
}

// LoadFilteredPolicy loads the rules of Filter.Domain and of "*".
func (a *adapter) LoadFilteredPolicy(m model.Model, f any) error {
	flt, ok := f.(Filter)
	if !ok {
		return fmt.Errorf("authz: unknown filter %T", f)
	}
	a.filtered = true
	return a.load(context.Background(), m, &flt)
}

// IsFiltered reports whether the loaded policy is a filtered one.
func (a *adapter) IsFiltered() bool { return a.filtered }

func (a *adapter) load(ctx context.Context, m model.Model, f *Filter) error {
	var rows []rule
	q := a.db.NewSelect().Model(&rows).Order("id")
	if f != nil {
		q = q.Where("domain IN (?, '*')", f.Domain)
	}
	if err := q.Scan(ctx); err != nil {
		return fmt.Errorf("authz: load rules: %w", err)
	}
	for i := range rows {
		line := append([]string{rows[i].Ptype}, rows[i].values()...)
		if err := persist.LoadPolicyArray(line, m); err != nil {
			return err
		}
	}
	return nil
}

// SavePolicy is not used: rules are written one by one.
func (a *adapter) SavePolicy(model.Model) error { return errReadOnly }

// AddPolicy is not used (see adapter).
func (a *adapter) AddPolicy(string, string, []string) error { return errReadOnly }

// RemovePolicy is not used (see adapter).
func (a *adapter) RemovePolicy(string, string, []string) error { return errReadOnly }

// RemoveFilteredPolicy is not used (see adapter).
func (a *adapter) RemoveFilteredPolicy(string, string, int, ...string) error { return errReadOnly }
