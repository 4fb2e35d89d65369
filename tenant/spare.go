package tenant

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
)

// Spare schemas: a tenant's role and schema, with every tenant migration
// applied, made ahead of need so that provisioning claims one (a row
// deleted in its transaction) instead of running the migration history,
// which costs the bulk of a provisioning (docs/benchmarks.md). Spares live
// in their own table, never in the registry's: no list, resolver, quota,
// bill or rollout count sees one. Their names start with t__ and
// <prefix>__, which no slug gives, and stay the tenant's once claimed.

// spareLock is the advisory lock key held while spares are made or dropped,
// so that replicas filling at once do not make more than asked.
const spareLock = 727_017

// spareCheck is how often a server looks at the spares besides the moments
// it claims one itself (another replica or a command may have claimed).
const spareCheck = 5 * time.Minute

// spare is one row of piazza.spare_schemas.
type spare struct {
	bun.BaseModel `bun:"table:piazza.spare_schemas,alias:s"`

	ID            int64     `bun:"id,pk,autoincrement"`
	SchemaName    string    `bun:"schema_name"`
	RoleName      string    `bun:"role_name"`
	LoginRole     string    `bun:"login_role,nullzero"`
	SchemaVersion int       `bun:"schema_version"`
	CreatedAt     time.Time `bun:"created_at,nullzero,default:now()"`
}

func (s *spare) scope() db.Scope {
	return db.Scope{Schema: s.SchemaName, Role: s.RoleName, Login: s.LoginRole}
}

// claimSpare takes a spare at this binary's version inside tx (skipping
// those another transaction holds), or returns nil when none is ready. The
// spare is gone once tx commits and back if it rolls back.
func (r *Registry) claimSpare(ctx context.Context, tx bun.Tx) (*spare, error) {
	var s []spare
	err := tx.NewRaw(`DELETE FROM piazza.spare_schemas WHERE id = (
		SELECT id FROM piazza.spare_schemas WHERE schema_version = ?
		ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING id, schema_name, role_name, schema_version, login_role`, r.LatestVersion()).Scan(ctx, &s)
	if err != nil {
		return nil, fmt.Errorf("claim a spare schema: %w", err)
	}
	if len(s) == 0 {
		return nil, nil
	}
	return &s[0], nil
}

// wantSpares asks this process's KeepSpares, if any, to refill now.
func (r *Registry) wantSpares() {
	select {
	case r.refill <- struct{}{}:
	default:
	}
}

// KeepSpares keeps Options.SpareSchemas spares ready until ctx ends: at
// once, after each provisioning of this process that claimed one, and every
// few minutes (for the claims of other processes). report is told what each
// round did when it did something or failed.
func (r *Registry) KeepSpares(ctx context.Context, report func(made, dropped int, err error)) {
	t := time.NewTicker(spareCheck)
	defer t.Stop()
	for {
		made, dropped, err := r.FillSpares(ctx, r.spares)
		if ctx.Err() != nil {
			return
		}
		if made > 0 || dropped > 0 || err != nil {
			report(made, dropped, err)
		}
		if r.spares == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-r.refill:
		case <-t.C:
		}
	}
}

// FillSpares makes spares, one transaction each, until n are ready at this
// binary's version, or drops those beyond n; it returns how many it made
// and dropped. Spares at another version are left to `piazza migrate`.
func (r *Registry) FillSpares(ctx context.Context, n int) (made, dropped int, err error) {
	return r.fillSpares(ctx, n, true)
}

// EnsureSpares makes spares, one transaction each, until at least n are
// ready at this binary's version, and drops none: for a command that needs
// one ready beside servers that keep more (FillSpares with a smaller n
// would drop what they make, and they would make it again, forever).
func (r *Registry) EnsureSpares(ctx context.Context, n int) (made int, err error) {
	made, _, err = r.fillSpares(ctx, n, false)
	return made, err
}

func (r *Registry) fillSpares(ctx context.Context, n int, drop bool) (made, dropped int, err error) {
	for {
		var step int
		err := r.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			var err error
			step, err = r.spareStep(ctx, tx, n, drop)
			return err
		})
		switch {
		case err != nil:
			return made, dropped, err
		case step > 0:
			made++
		case step < 0:
			dropped++
		default:
			return made, dropped, nil
		}
	}
}

// spareStep makes one spare when fewer than n are ready (1), drops one when
// more are and drop says so (-1), or does nothing (0), under the spares'
// lock.
func (r *Registry) spareStep(ctx context.Context, tx bun.Tx, n int, drop bool) (int, error) {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", spareLock); err != nil {
		return 0, err
	}
	ready, err := tx.NewSelect().Model((*spare)(nil)).Where("schema_version = ?", r.LatestVersion()).Count(ctx)
	n64 := int64(n)
	if err != nil {
		return 0, fmt.Errorf("count spare schemas: %w", err)
	}
	switch {
	case ready < n64:
		return 1, r.makeSpare(ctx, tx)
	case ready > n64 && drop:
		var s []spare
		err := tx.NewSelect().Model(&s).Where("schema_version = ?", r.LatestVersion()).
			Order("id DESC").Limit(1).For("UPDATE SKIP LOCKED").Scan(ctx)
		if err != nil || len(s) == 0 {
			return 0, err // the others are being claimed
		}
		return -1, dropSpare(ctx, tx, &s[0])
	}
	return 0, nil
}

// makeSpare makes one spare inside tx: role, schema, every migration.
func (r *Registry) makeSpare(ctx context.Context, tx bun.Tx) error {
	b := make([]byte, 6)
	var err error
	if _, err = rand.Read(b); err != nil {
		return err
	}
	id := hex.EncodeToString(b)
	s := &spare{SchemaName: "t__" + id, RoleName: r.rolePrefix + "__" + id}
	if _, err := tx.NewInsert().Model(s).Exec(ctx); err != nil {
		return fmt.Errorf("record spare schema: %w", err)
	}
	if err := createSchema(ctx, tx, s.scope()); err != nil {
		return fmt.Errorf("make spare schema: %w", err)
	}
	if err := r.migrateSpareIn(ctx, tx, s); err != nil {
		return err
	}
	if s.LoginRole, err = r.enterGroup(ctx, tx, s.RoleName); err != nil || s.LoginRole == "" {
		return err
	}
	_, err = tx.NewUpdate().Model(s).Set("login_role = ?", s.LoginRole).WherePK().Exec(ctx)
	return err
}

// migrateSpareIn applies the pending tenant migrations to s and records its
// new version.
func (r *Registry) migrateSpareIn(ctx context.Context, tx bun.Tx, s *spare) error {
	v, err := r.applyMigrations(ctx, tx, s.scope())
	if err != nil {
		return fmt.Errorf("spare schema %s: %w", s.SchemaName, err)
	}
	s.SchemaVersion = v
	_, err = tx.NewUpdate().Model(s).Set("schema_version = ?", v).WherePK().Exec(ctx)
	return err
}

// dropSpare drops s's schema (as its owner) and role and forgets it.
func dropSpare(ctx context.Context, tx bun.Tx, s *spare) error {
	err := db.InTenantTx(ctx, tx, s.scope(), func() error {
		_, err := tx.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{s.SchemaName}.Sanitize()+" CASCADE")
		return err
	})
	if err != nil {
		return fmt.Errorf("drop spare schema %s: %w", s.SchemaName, err)
	}
	if _, err := tx.ExecContext(ctx, "DROP ROLE IF EXISTS "+pgx.Identifier{s.RoleName}.Sanitize()); err != nil {
		return fmt.Errorf("drop spare role %s: %w", s.RoleName, err)
	}
	if err := leaveGroup(ctx, tx, s.LoginRole); err != nil {
		return err
	}
	_, err = tx.NewDelete().Model(s).WherePK().Exec(ctx)
	return err
}

// migrateSpares brings the spares behind this binary up to date, each in
// its own transaction; a spare that fails is reported and left as it was
// (it is not claimed while behind). It returns how many it migrated.
func (r *Registry) migrateSpares(ctx context.Context) (int, []RolloutFailure, error) {
	var behind []spare
	err := r.db.NewSelect().Model(&behind).Column("id", "schema_name").
		Where("schema_version < ?", r.LatestVersion()).Order("id").Scan(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("find spare schemas to migrate: %w", err)
	}
	n := 0
	var failed []RolloutFailure
	for _, b := range behind {
		err := r.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			s := new(spare)
			err := tx.NewSelect().Model(s).Where("id = ? AND schema_version < ?", b.ID, r.LatestVersion()).
				For("UPDATE SKIP LOCKED").Scan(ctx)
			if isNoRows(err) {
				return nil // claimed, dropped or migrated meanwhile
			}
			if err != nil {
				return err
			}
			n++
			return r.migrateSpareIn(ctx, tx, s)
		})
		if err != nil {
			if ctx.Err() != nil {
				return n, failed, ctx.Err()
			}
			n--
			failed = append(failed, RolloutFailure{Slug: "spare " + b.SchemaName, Err: err})
		}
	}
	return n, failed, nil
}
