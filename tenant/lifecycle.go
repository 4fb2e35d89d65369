package tenant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
)

// Suspend makes an active tenant answer 503 until it is resumed.
func (r *Registry) Suspend(ctx context.Context, slug string) (*Tenant, error) {
	return r.transition(ctx, slug, "suspend", []Status{StatusActive}, StatusSuspended)
}

// Resume makes a suspended tenant serve again.
func (r *Registry) Resume(ctx context.Context, slug string) (*Tenant, error) {
	return r.transition(ctx, slug, "resume", []Status{StatusSuspended}, StatusActive)
}

// Delete makes a tenant unreachable; its schema stays until Purge (or the
// grace period runs out), and Restore brings it back.
func (r *Registry) Delete(ctx context.Context, slug string) (*Tenant, error) {
	return r.transition(ctx, slug, "delete", []Status{StatusActive, StatusSuspended, StatusProvisioning}, StatusDeleting)
}

// Restore brings a deleted, not yet purged tenant back, suspended, so that
// the operator checks it before resuming it.
func (r *Registry) Restore(ctx context.Context, slug string) (*Tenant, error) {
	return r.transition(ctx, slug, "restore", []Status{StatusDeleting}, StatusSuspended)
}

func (r *Registry) transition(ctx context.Context, slug, verb string, from []Status, to Status) (*Tenant, error) {
	t := new(Tenant)
	err := r.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := r.lock(ctx, tx, slug, t); err != nil {
			return err
		}
		if !statusIn(t.Status, from) {
			return fmt.Errorf("%w: cannot %s tenant %q, which is %s", ErrWrongStatus, verb, slug, t.Status)
		}
		q := tx.NewUpdate().Model(t).Set("status = ?", to).Set("updated_at = now()").WherePK()
		if to == StatusDeleting {
			q = q.Set("deleted_at = now()")
		} else {
			q = q.Set("deleted_at = NULL")
		}
		if _, err := q.Returning("*").Exec(ctx); err != nil || to == StatusActive {
			return err
		}
		return leaveExchange(ctx, tx, t.ID)
	})
	if err != nil {
		return nil, err
	}
	r.changed(t.ID)
	return t, r.loadHosts(ctx, r.db, t)
}

func (r *Registry) lock(ctx context.Context, tx bun.Tx, slug string, t *Tenant) error {
	err := tx.NewSelect().Model(t).Where("slug = ?", slug).For("UPDATE").Scan(ctx)
	if err != nil {
		if isNoRows(err) {
			return fmt.Errorf("%w: %q", ErrNotFound, slug)
		}
		return fmt.Errorf("lock tenant: %w", err)
	}
	return nil
}

// Purge drops a deleted tenant's schema, role and registry rows for good,
// then runs the AfterPurge hooks (an error wrapping ErrPurgeUnfinished
// means the purge stands and they failed). Only a tenant already deleted
// can be purged.
func (r *Registry) Purge(ctx context.Context, slug string) error {
	t := new(Tenant)
	err := r.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := r.lock(ctx, tx, slug, t); err != nil {
			return err
		}
		if t.Status != StatusDeleting {
			return fmt.Errorf("%w: cannot purge tenant %q, which is %s: delete it first", ErrWrongStatus, slug, t.Status)
		}
		return r.purge(ctx, tx, t)
	})
	if err != nil {
		return err
	}
	r.changed(t.ID)
	return r.afterPurge(ctx, slug)
}

func (r *Registry) purge(ctx context.Context, tx bun.Tx, t *Tenant) error {
	for _, h := range r.onPurge {
		if err := h(ctx, tx, t); err != nil {
			return fmt.Errorf("purge %s: %w", t.Slug, err)
		}
	}
	// Only the owner may drop the schema; the login role does not inherit
	// ownership, so it takes the tenant's role for that statement.
	err := db.InTenantTx(ctx, tx, t.Scope(), func() error {
		_, err := tx.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{t.SchemaName}.Sanitize()+" CASCADE")
		return err
	})
	if err != nil {
		return fmt.Errorf("purge %s: %w", t.Slug, err)
	}
	if _, err := tx.ExecContext(ctx, "DROP ROLE IF EXISTS "+pgx.Identifier{t.RoleName}.Sanitize()); err != nil {
		return fmt.Errorf("purge %s: %w", t.Slug, err)
	}
	if err := leaveGroup(ctx, tx, t.LoginRole); err != nil {
		return fmt.Errorf("purge %s: %w", t.Slug, err)
	}
	if _, err := tx.NewDelete().Model(t).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("purge %s: %w", t.Slug, err)
	}
	return nil
}

// PurgeExpired purges every tenant deleted more than grace ago and returns
// their slugs. Replicas may run it at once: each tenant is purged by one.
// AfterPurge hooks that fail do not stop it: their errors come back
// together, each wrapping ErrPurgeUnfinished.
func (r *Registry) PurgeExpired(ctx context.Context, grace time.Duration) ([]string, error) {
	var slugs []string
	err := r.db.NewSelect().Model((*Tenant)(nil)).Column("slug").
		Where("status = ? AND deleted_at < now() - ?::interval", StatusDeleting, fmt.Sprintf("%d milliseconds", grace.Milliseconds())).
		Order("deleted_at").Scan(ctx, &slugs)
	if err != nil {
		return nil, fmt.Errorf("find expired tenants: %w", err)
	}
	var purged []string
	var unfinished []error
	for _, s := range slugs {
		err := r.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			t := new(Tenant)
			err := tx.NewSelect().Model(t).Where("slug = ? AND status = ?", s, StatusDeleting).For("UPDATE SKIP LOCKED").Scan(ctx)
			if isNoRows(err) {
				return nil // restored meanwhile, or another replica has it
			}
			if err != nil {
				return err
			}
			if err := r.purge(ctx, tx, t); err != nil {
				return err
			}
			purged = append(purged, s)
			return nil
		})
		if err != nil {
			return purged, errors.Join(append(unfinished, err)...)
		}
		if len(purged) > 0 && purged[len(purged)-1] == s {
			unfinished = append(unfinished, r.afterPurge(ctx, s))
		}
	}
	if len(purged) > 0 {
		r.changed(0) // drop every "no such host" and let purged entries age out
	}
	return purged, errors.Join(unfinished...)
}

func statusIn(s Status, set []Status) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}
