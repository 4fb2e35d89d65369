package tenant

import (
	"context"
	"fmt"
	"time"
)

// The control-plane work whose duration an Observer is told.
const (
	OpProvision = "provision" // Create: registry rows, role, schema, every migration
	OpMigrate   = "migrate"   // one tenant's pending migrations, in a rollout
)

// Observer is told how long an operation (OpProvision, OpMigrate) took and
// how it ended (err nil: done).
type Observer func(op string, d time.Duration, err error)

// Observe has o told of every provisioning and tenant migration this
// registry runs; set it before the registry is used.
func (r *Registry) Observe(o Observer) { r.observer = o }

// timed runs fn and tells the observer how long it took.
func (r *Registry) timed(op string, fn func() error) error {
	start := time.Now()
	err := fn()
	if r.observer != nil {
		r.observer(op, time.Since(start), err)
	}
	return err
}

// Create provisions a tenant: its registry rows, a NOLOGIN role, a schema
// owned by that role and every tenant migration, in one transaction, so that
// a failure leaves nothing behind. The role and the schema are a spare made
// ahead (see FillSpares) when one is ready at this binary's version: the
// migration history then costs nothing here; otherwise they are made now.
func (r *Registry) Create(ctx context.Context, p CreateParams) (*Tenant, error) {
	var t *Tenant
	err := r.timed(OpProvision, func() (err error) {
		t, err = r.provision(ctx, p)
		return err
	})
	return t, err
}

// StatusCounts is the number of tenants in each status, from the registry.
func (r *Registry) StatusCounts(ctx context.Context) (map[Status]int, error) {
	var rows []struct {
		Status Status
		N      int
	}
	err := r.db.NewRaw("SELECT status, count(*) AS n FROM piazza.tenants GROUP BY status").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count tenants by status: %w", err)
	}
	counts := map[Status]int{}
	for _, row := range rows {
		counts[row.Status] = row.N
	}
	return counts, nil
}

// Behind is the number of tenants whose schema is older than this binary's
// migrations: a rollout that failed for them, or that has not run.
func (r *Registry) Behind(ctx context.Context) (int, error) {
	var n int
	err := r.db.QueryRowContext(ctx, "SELECT count(*) FROM piazza.tenants WHERE schema_version < ?", r.LatestVersion()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count tenants behind: %w", err)
	}
	return n, nil
}
