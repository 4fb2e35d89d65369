package scope_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// TestPreloadedFilterAgrees: the filter on preloaded memberships (arrays)
// and the filter with subqueries see exactly the same items, for members
// with every kind of membership, validators or not.
func TestPreloadedFilterAgrees(t *testing.T) {
	ctx := context.Background()
	ts := tenanttest.One(t)
	d, tn := ts, ts.Tenant
	var err error
	err = db.InTenant(ctx, d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO users (email) SELECT 'u' || i || '@a.example' FROM generate_series(1, 6) AS i;
			INSERT INTO tags (name) VALUES ('energia'), ('acqua');
			INSERT INTO profiles (user_id, themes, tags) VALUES (1, '{health}', '{}'), (2, '{}', '{1}'), (3, '{aerospace,health}', '{2}');
			INSERT INTO communities (name, kind) VALUES ('uno', 'open'), ('due', 'closed'), ('tre', 'reserved');
			INSERT INTO community_members (community_id, user_id, role, state) VALUES
				(1, 1, 'manager', 'active'), (2, 2, 'participant', 'active'), (3, 3, 'manager', 'request_sent'),
				(2, 4, 'manager', 'active'), (3, 5, 'reader', 'invited');
			INSERT INTO organizations (name) VALUES ('Org A'), ('Org B');
			INSERT INTO organization_members (organization_id, user_id, state) VALUES (1, 2, 'active'), (2, 3, 'request_sent');
			INSERT INTO news (title, state, author_id, scope_kind, scope_themes, scope_tags, scope_communities, scope_organizations, public)
			SELECT 'n' || k || s, s, CASE WHEN k % 5 = 0 THEN 6 ELSE NULL END,
				(ARRAY['tenant','interests','communities','organizations'])[1 + k % 4],
				CASE WHEN k % 4 = 1 THEN (ARRAY['{health}','{aerospace}','{smart_communities}'])[1 + k % 3]::text[] ELSE '{}' END,
				CASE WHEN k % 4 = 1 AND k % 2 = 0 THEN '{1}'::bigint[] ELSE '{}' END,
				CASE WHEN k % 4 = 2 THEN (ARRAY['{1}','{2}','{3}','{1,2}'])[1 + k % 4]::bigint[] ELSE '{}' END,
				CASE WHEN k % 4 = 3 THEN (ARRAY['{1}','{2}'])[1 + k % 2]::bigint[] ELSE '{}' END,
				k % 4 = 0 AND k % 8 = 0
			FROM generate_series(1, 48) AS k, unnest(ARRAY['draft','to_validate','published','archived']) AS s`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := func(v scope.Viewer, preload bool) []int64 {
		var ids []int64
		err := db.InTenant(ctx, d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
			if preload {
				var err error
				if ctx, err = scope.Preload(ctx, tx, v.UserID); err != nil {
					return err
				}
				v = scope.From(ctx, v)
				if v.UserID != 0 && v.M == nil {
					return fmt.Errorf("no memberships preloaded")
				}
			}
			q := tx.NewSelect().TableExpr("news AS n").Column("n.id").Order("n.id")
			return scope.Filter(q, "n", v).Scan(ctx, &ids)
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	for uid := int64(0); uid <= 6; uid++ {
		for _, validator := range []bool{false, true} {
			v := scope.Viewer{UserID: uid, Validator: validator}
			plain, pre := seen(v, false), seen(v, true)
			if !slices.Equal(plain, pre) {
				t.Errorf("user %d (validator %v): subqueries see %v, arrays %v", uid, validator, plain, pre)
			}
			t.Logf("user %d validator %v sees %d", uid, validator, len(plain))
			if uid == 1 && len(plain) == 0 {
				t.Error("the fixture shows nothing to user 1")
			}
		}
	}
}
