package tenant

import (
	"context"
	"errors"
	"fmt"
)

// ErrPurgeUnfinished is a tenant purged from the database whose work
// outside it (removing its files) failed: the purge stands, and the
// leftovers are for a later run (`piazza storage gc`) to remove.
var ErrPurgeUnfinished = errors.New("tenant purged, but not all it left outside the database was removed")

// AfterPurge is work outside the database that follows a tenant's purge,
// such as removing its files. It runs once the purge has committed (a
// purge that fails keeps everything), while no tenant can take the slug
// (see WhileFree).
type AfterPurge func(ctx context.Context, slug string) error

// afterPurge runs the AfterPurge hooks for a purged slug; their failure
// is ErrPurgeUnfinished.
func (r *Registry) afterPurge(ctx context.Context, slug string) error {
	if len(r.afterPurgeHooks) == 0 {
		return nil
	}
	err := r.WhileFree(ctx, slug, func(ctx context.Context) error {
		var errs []error
		for _, h := range r.afterPurgeHooks {
			if err := h(ctx, slug); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	})
	if err != nil {
		return &unfinishedError{slug: slug, err: err}
	}
	return nil
}

// unfinishedError is a purge whose AfterPurge hooks failed.
type unfinishedError struct {
	slug string
	err  error
}

func (u *unfinishedError) Error() string {
	return fmt.Sprintf("tenant %s purged, but: %v", u.slug, u.err)
}

// Unwrap lets errors.Is(err, ErrPurgeUnfinished) hold, and the hooks' errors show.
func (u *unfinishedError) Unwrap() []error { return []error{ErrPurgeUnfinished, u.err} }

// WhileFree runs fn while no tenant has slug and none can take it, and
// returns ErrSlugTaken without running fn when a tenant has it (deleted
// tenants awaiting their purge included). It is for removing what a
// purged tenant left outside the database: a tenant created meanwhile
// under the same slug must not lose its own files.
//
// It holds the slug as provisioning would: a row inserted and never
// committed holds the slug's entry in the registry's unique index, so a
// provisioning under way makes this wait and then finds the slug taken,
// and one that starts meanwhile waits until fn returns. The row is rolled
// back, never seen by anyone.
func (r *Registry) WhileFree(ctx context.Context, slug string, fn func(ctx context.Context) error) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("hold slug %s: %w", slug, err)
	}
	defer func() { _ = tx.Rollback() }()
	placeholder := "purged:" + slug // no schema or role of a tenant has a colon
	_, err = tx.ExecContext(ctx, `INSERT INTO piazza.tenants (slug, name, status, schema_name, role_name, deleted_at)
		VALUES (?, ?, 'deleting', ?, ?, now())`, slug, placeholder, placeholder, placeholder)
	if _, ok := uniqueViolation(err); ok {
		return slugTaken(slug, "")
	}
	if err != nil {
		return fmt.Errorf("hold slug %s: %w", slug, err)
	}
	return fn(ctx)
}
