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

// TestFilterReadClosed: with FilterRead a closed item is seen by exactly
// whom it would be seen by if it were published (with memberships
// preloaded or not), while Filter shows it to its author and validators
// only, as an archived one.
func TestFilterReadClosed(t *testing.T) {
	ctx := context.Background()
	ts := tenanttest.One(t)
	d, tn := ts, ts.Tenant
	var err error
	err = db.InTenant(ctx, d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO users (email) SELECT 'u' || i || '@a.example' FROM generate_series(1, 4) AS i;
			INSERT INTO profiles (user_id, themes, tags) VALUES (1, '{health}', '{}');
			INSERT INTO communities (name, kind) VALUES ('uno', 'open');
			INSERT INTO community_members (community_id, user_id, role, state) VALUES (1, 2, 'participant', 'active');
			CREATE TABLE items (LIKE news INCLUDING DEFAULTS INCLUDING IDENTITY);
			INSERT INTO items (title, state, author_id, scope_kind, scope_themes, scope_communities, public)
			SELECT 'i' || k, s, CASE WHEN k = 4 THEN 3 END, (ARRAY['tenant','interests','communities'])[1 + k % 3],
				CASE WHEN k % 3 = 1 THEN '{health}'::text[] ELSE '{}' END, CASE WHEN k % 3 = 2 THEN '{1}'::bigint[] ELSE '{}' END, k = 6
			FROM generate_series(1, 6) AS k, unnest(ARRAY['published','closed']) AS s`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := func(v scope.Viewer, state string, read, preload bool) []string {
		var titles []string
		err := db.InTenant(ctx, d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
			if preload {
				var err error
				if ctx, err = scope.Preload(ctx, tx, v.UserID); err != nil {
					return err
				}
				v = scope.From(ctx, v)
			}
			q := tx.NewSelect().TableExpr("items AS n").Column("n.title").Where("n.state = ?", state).Order("n.title")
			if read {
				return scope.FilterRead(q, "n", v).Scan(ctx, &titles)
			}
			return scope.Filter(q, "n", v).Scan(ctx, &titles)
		})
		if err != nil {
			t.Fatal(err)
		}
		return titles
	}
	for uid := int64(0); uid <= 4; uid++ {
		v := scope.Viewer{UserID: uid}
		published := seen(v, "published", false, false)
		for _, preload := range []bool{false, true} {
			if got := seen(v, "closed", true, preload); !slices.Equal(got, published) {
				t.Errorf("user %d (preloaded %v): closed items read %v, published %v", uid, preload, got, published)
			}
			if got := seen(v, "published", true, preload); !slices.Equal(got, published) {
				t.Errorf("user %d (preloaded %v): FilterRead changes what is published: %v, want %v", uid, preload, got, published)
			}
		}
		closed := seen(v, "closed", false, false)
		if uid != 3 && len(closed) > 0 || uid == 3 && !slices.Equal(closed, []string{"i4"}) {
			t.Errorf("user %d: Filter shows closed items %v", uid, closed)
		}
	}
}
