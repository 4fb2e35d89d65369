package tenant

import (
	"context"
	"time"
)

// SweepBudget is how long one job that visits every tenant (a periodic
// sweep) works before it hands the rest to a job of its own kind: with
// 10,000 tenants a visit of each, a transaction on a connection that may
// never have served that tenant, takes minutes, more than a job may run.
const SweepBudget = 30 * time.Second

// Sweep calls visit for each active tenant of ts (in slug order, as List
// returns them) whose slug comes after after, until budget has passed
// since it began; it returns the slug to continue after, "" when every
// tenant was visited. The first tenant is always visited, so a sweep ends
// whatever the budget.
func Sweep(ctx context.Context, ts []*Tenant, after string, budget time.Duration, visit func(*Tenant) error) (string, error) {
	began := time.Now()
	visited := false
	for _, t := range ts {
		if t.Slug <= after || t.Status != StatusActive {
			continue
		}
		if visited && time.Since(began) >= budget {
			return after, nil
		}
		if err := ctx.Err(); err != nil {
			return after, err
		}
		if err := visit(t); err != nil {
			return after, err
		}
		after, visited = t.Slug, true
	}
	return "", nil
}
