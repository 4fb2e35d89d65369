package scope_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
)

// TestKeep: in a request that keeps its memberships, the second Preload
// (another transaction) takes the first one's without a query, for the
// same member only; without Keep each Preload reads them again.
func TestKeep(t *testing.T) {
	ctx := context.Background()
	ts := tenanttest.One(t)
	d, tn := ts, ts.Tenant
	in := func(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) {
		if err := db.InTenant(ctx, d.DB, tn.Scope(), fn); err != nil {
			t.Fatal(err)
		}
	}
	in(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (email) VALUES ('a@a.example'), ('b@a.example');
			INSERT INTO communities (name, kind) VALUES ('uno', 'open');
			INSERT INTO community_members (community_id, user_id, role, state) VALUES (1, 1, 'manager', 'active')`)
		return err
	})
	communities := func(ctx context.Context, uid int64) (out []int64) {
		in(ctx, func(ctx context.Context, tx bun.Tx) error {
			ctx, err := scope.Preload(ctx, tx, uid)
			out = scope.From(ctx, scope.Viewer{UserID: uid}).M.Communities
			return err
		})
		return out
	}
	kept := scope.Keep(ctx)
	if got := communities(kept, 1); !slices.Equal(got, []int64{1}) {
		t.Fatalf("member 1's communities: %v", got)
	}
	in(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM community_members`)
		return err
	})
	if got := communities(kept, 1); !slices.Equal(got, []int64{1}) {
		t.Errorf("the request's second transaction read the memberships again: %v", got)
	}
	if got := communities(kept, 2); len(got) != 0 {
		t.Errorf("another member got the kept memberships: %v", got)
	}
	if got := communities(ctx, 1); len(got) != 0 {
		t.Errorf("without Keep, the memberships were not read again: %v", got)
	}
}
