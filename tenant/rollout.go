package tenant

import (
	"context"
	"fmt"
	"sync"

	"github.com/uptrace/bun"
)

// RolloutReport is what a migration rollout did.
type RolloutReport struct {
	Tenants  int // tenants in the registry
	Pending  int // tenants that had migrations to apply
	Migrated int // tenants brought up to date
	Spares   int // spare schemas brought up to date (not counted above)
	Failures []RolloutFailure
}

// RolloutFailure is one tenant whose migration failed (and was rolled back).
type RolloutFailure struct {
	Slug string // or "spare <schema>" for a spare schema
	Err  error
}

// Progress is told, after each tenant, how many of the pending ones are done.
type Progress func(done, total int)

// MigrateAll brings every tenant's schema up to date: the tenants behind are
// found in one query on the registry, then migrated concurrently (at most
// concurrency at once), each in its own transaction. A failure is recorded and
// does not stop the others; running it again resumes where it stopped. Then
// the spare schemas behind are migrated too (see FillSpares).
func (r *Registry) MigrateAll(ctx context.Context, concurrency int, progress Progress) (RolloutReport, error) {
	var rep RolloutReport
	latest := r.LatestVersion()
	err := r.db.QueryRowContext(ctx, "SELECT count(*) FROM piazza.tenants").Scan(&rep.Tenants)
	if err != nil {
		return rep, fmt.Errorf("count tenants: %w", err)
	}
	var behind []*Tenant
	err = r.db.NewSelect().Model(&behind).Column("id", "slug", "schema_version").
		Where("schema_version < ?", latest).Order("id").Scan(ctx)
	if err != nil {
		return rep, fmt.Errorf("find tenants to migrate: %w", err)
	}
	rep.Pending = len(behind)
	if progress != nil {
		progress(0, rep.Pending)
	}
	if concurrency < 1 {
		concurrency = 1
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		next = make(chan *Tenant)
	)
	for range min(concurrency, len(behind)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range next {
				err := r.timed(OpMigrate, func() error { return r.migrateOne(ctx, t.ID) })
				mu.Lock()
				if err != nil {
					rep.Failures = append(rep.Failures, RolloutFailure{Slug: t.Slug, Err: err})
				} else {
					rep.Migrated++
				}
				if progress != nil {
					progress(rep.Migrated+len(rep.Failures), rep.Pending)
				}
				mu.Unlock()
			}
		}()
	}
	for _, t := range behind {
		if ctx.Err() != nil {
			break
		}
		next <- t
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	n, failed, err := r.migrateSpares(ctx)
	rep.Spares = n
	rep.Failures = append(rep.Failures, failed...)
	return rep, err
}

// migrateOne locks the tenant's registry row (so that two rollouts, or a
// rollout and a lifecycle change, do not interleave) and applies what is
// pending, all in one transaction.
func (r *Registry) migrateOne(ctx context.Context, id int64) error {
	return r.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t := new(Tenant)
		if err := tx.NewSelect().Model(t).Where("id = ?", id).For("UPDATE").Scan(ctx); err != nil {
			if isNoRows(err) {
				return nil // purged meanwhile
			}
			return err
		}
		if t.SchemaVersion >= r.LatestVersion() {
			return nil // another rollout got here first
		}
		return r.migrateIn(ctx, tx, t)
	})
}
