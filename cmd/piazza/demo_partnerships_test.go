package main

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
)

// TestDemoPartnerships: the demo imports the sample export (every profile
// given themes by the keyword mapping) and has an interest at each state
// of the follow-up, one taken over by the demo admin and one new, both
// waiting for them.
func TestDemoPartnerships(t *testing.T) {
	ctx, e, demo := demoEnv(t)
	var states []string
	var profiles, themeless, waiting int
	err := db.InTenant(ctx, e.db, demo.Scope(), func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewRaw("SELECT DISTINCT state FROM partnership_interests").Scan(ctx, &states); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE themes = '{}') FROM partnerships").Scan(&profiles, &themeless); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM partnership_interests i LEFT JOIN users u ON u.id = i.advisor_id
			WHERE i.state = 'new' OR i.state = 'taken_over' AND u.email = 'admin@demo.example.org'`).Scan(&waiting)
	})
	if err != nil {
		t.Fatal(err)
	}
	if profiles != 8 || themeless != 0 {
		t.Errorf("%d profiles, %d without a theme", profiles, themeless)
	}
	for _, s := range []string{"new", "taken_over", "info_requested", "agreement", "no_agreement", "withdrawn"} {
		if !slices.Contains(states, s) {
			t.Errorf("no interest is %s", s)
		}
	}
	if waiting < 2 {
		t.Errorf("%d interests wait for the demo admin", waiting)
	}
}
