package profile_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/profile"
	"github.com/piazza-pa/piazza/platform/search"
	"github.com/piazza-pa/piazza/tenant"
)

// Search looks for people band by band of the newest ids: whatever the
// bands, it finds the same newest matches as a plain scan of every match
// would, by name or by profile, for a window smaller or larger than the
// matches, and nothing of another tenant; walking the newest profiles
// (a common word) too, when the walk reaches as far as the matches.
func TestSearchFindsTheNewestMatches(t *testing.T) {
	w := moduletest.New(t)
	for _, tn := range []*tenant.Tenant{w.A, w.B} {
		w.In(t, tn, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `
				INSERT INTO users (email, given_name, family_name)
				SELECT 'c' || i || '@x.example', CASE WHEN i % 7 = 0 THEN 'Cartografia' ELSE 'Persona' END, 'N' || i FROM generate_series(1, 40) AS i;
				INSERT INTO profiles (user_id, competencies, state)
				SELECT id, CASE WHEN family_name ~ '[02468]$' THEN '{Cartografia}'::text[] ELSE '{Idraulica}' END, 'validated'
				FROM users WHERE email LIKE 'c%@x.example'`)
			return err
		})
	}
	reference := `SELECT id FROM (SELECT cu.id FROM users AS cu WHERE to_tsvector('simple', cu.display_name || ' ' || cu.given_name || ' ' || cu.family_name) @@ ` +
		search.AnyWord + ` UNION SELECT cp.user_id FROM profiles AS cp WHERE cp.search @@ ` + search.AnyWord + `) AS m ORDER BY 1 DESC LIMIT ?5`
	for _, n := range []int{1, 5, 12, 100} {
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			var want, got []int64
			if err := tx.NewRaw(reference, append(search.Queries("cartografia"), n)...).Scan(ctx, &want); err != nil {
				return err
			}
			if err := tx.NewRaw(profile.NewestMatches(n, false), search.Queries("cartografia")...).Scan(ctx, &got); err != nil {
				return err
			}
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("%d newest: %v, want %v", n, got, want)
			}
			var walked []int64
			if err := tx.NewRaw(profile.NewestMatches(n, true), append(search.Queries("cartografia"), 100)...).Scan(ctx, &walked); err != nil {
				return err
			}
			if !slices.Equal(walked, want) {
				t.Errorf("%d newest, walked: %v, want %v", n, walked, want)
			}
			return nil
		})
	}
}
