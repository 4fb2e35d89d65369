// Package quota enforces the quotas of a tenant's plan where they bite:
// an account that would be one member too many, a file that would fill the
// storage past its size. The limits come with the request's site
// (site.Limits); the check and the write share the tenant's transaction,
// serialised per tenant by a transaction-scoped advisory lock, so that two
// requests cannot both take the last place.
package quota

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/site"
)

// lockClass is the first key of the per-tenant advisory lock (the second
// is the tenant's id).
const lockClass = 727_016

// The refusals, told to the person in their language.
var (
	// ErrMembers: the site has as many members as its plan allows.
	ErrMembers = platform.NewKeyedError(platform.ErrConflict, "quota.error.members",
		"this site has as many members as its plan allows")
	// ErrStorage: the file would fill the site's storage past its plan.
	ErrStorage = platform.NewKeyedError(platform.ErrConflict, "quota.error.storage",
		"this file would take the site's storage past what its plan allows")
	// ErrModule: the module is not part of the site's plan.
	ErrModule = platform.NewKeyedError(platform.ErrConflict, "quota.error.module",
		"this module is not part of the site's plan")
)

// Usage is what a tenant uses of its quotas.
type Usage struct {
	// Members are the accounts active or invited (suspended ones free
	// their place).
	Members int64 `json:"members"`
	// StorageBytes are the attached files' bytes.
	StorageBytes int64 `json:"storage_bytes"`
}

// usageSQL reads both figures in one statement.
const usageSQL = `SELECT (SELECT count(*) FROM users WHERE status IN ('active', 'invited')),
	(SELECT coalesce(sum(size), 0)::bigint FROM attachments)`

// Read is the usage of the tenant whose transaction tx is.
func Read(ctx context.Context, tx bun.IDB) (Usage, error) {
	var u Usage
	if err := tx.QueryRowContext(ctx, usageSQL).Scan(&u.Members, &u.StorageBytes); err != nil {
		return Usage{}, fmt.Errorf("read usage: %w", err)
	}
	return u, nil
}

// limits are the request's site's limits and id (nil outside a site).
func limits(ctx context.Context) (*site.Limits, int64) {
	s := site.FromContext(ctx)
	if s == nil {
		return nil, 0
	}
	return s.Limits, s.ID
}

// Lock takes the tenant's quota lock until tx ends.
func Lock(ctx context.Context, tx bun.IDB, tenantID int64) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, ?)", lockClass, int32(tenantID)); err != nil {
		return fmt.Errorf("quota lock: %w", err)
	}
	return nil
}

// AddMembers refuses, with ErrMembers, n more accounts (active or invited)
// past the plan of ctx's site; otherwise the lock it took keeps the count
// until tx ends, for the caller to write them.
func AddMembers(ctx context.Context, tx bun.IDB, n int64) error {
	return check(ctx, tx, "SELECT count(*) FROM users WHERE status IN ('active', 'invited')", n,
		func(l *site.Limits) int64 { return l.Members }, ErrMembers)
}

// Activate refuses, with ErrMembers, to make one more account active (an
// invitation accepted, a suspended member resumed) when the active ones
// already fill the plan of ctx's site.
func Activate(ctx context.Context, tx bun.IDB) error {
	return check(ctx, tx, "SELECT count(*) FROM users WHERE status = 'active'", 1,
		func(l *site.Limits) int64 { return l.Members }, ErrMembers)
}

// AddBytes refuses, with ErrStorage, n more bytes of files past the plan of
// ctx's site; call it before the bytes are stored.
func AddBytes(ctx context.Context, tx bun.IDB, n int64) error {
	return check(ctx, tx, "SELECT coalesce(sum(size), 0)::bigint FROM attachments", n,
		func(l *site.Limits) int64 { return l.StorageBytes }, ErrStorage)
}

// check refuses, with refusal, adding n to what used (a query of one
// number) reads when it would pass the plan's max; it takes the tenant's
// quota lock first, which holds until tx ends.
func check(ctx context.Context, tx bun.IDB, used string, n int64, max func(*site.Limits) int64, refusal error) error {
	l, id := limits(ctx)
	if l == nil {
		return nil
	}
	if err := Lock(ctx, tx, id); err != nil {
		return err
	}
	var count int64
	if err := tx.QueryRowContext(ctx, used).Scan(&count); err != nil {
		return fmt.Errorf("quota: %w", err)
	}
	if count+n > max(l) {
		return refusal
	}
	return nil
}

// Near says whether used is at least 80% of max (the admins' warning).
func Near(used, max int64) bool { return max > 0 && used*5 >= max*4 }

// Control locks tenant id's registry row until tx (a transaction on the
// control schema) ends, and returns its plan's limits as the registry has
// them now: the quotas of what lives in the control schema (host names,
// identity providers) are checked under this lock.
func Control(ctx context.Context, tx bun.IDB, id int64) (*site.Limits, error) {
	l := new(site.Limits)
	err := tx.QueryRowContext(ctx, `SELECT p.slug, p.max_members, p.max_storage_bytes, p.max_hosts, p.max_idps
		FROM piazza.tenants t JOIN piazza.plans p ON p.id = t.plan_id WHERE t.id = ? FOR UPDATE OF t`, id).
		Scan(&l.Plan, &l.Members, &l.StorageBytes, &l.Hosts, &l.IdPs)
	if err != nil {
		return nil, fmt.Errorf("read the tenant's plan: %w", err)
	}
	return l, nil
}

// Exceeded is a quota of the control schema already reached.
type Exceeded struct {
	// What is "hosts" or "idps".
	What string
	Max  int
}

func (e *Exceeded) Error() string {
	return fmt.Sprintf("the plan allows %d %s: remove one or ask for a larger plan", e.Max, e.What)
}

// Unwrap makes the error of kind platform.ErrConflict.
func (e *Exceeded) Unwrap() error { return platform.ErrConflict }

// MessageKey is the refusal's message.
func (e *Exceeded) MessageKey() string { return "quota.error." + e.What }

// MessageArgs are the values the message names.
func (e *Exceeded) MessageArgs() []any { return []any{"Max", e.Max} }
