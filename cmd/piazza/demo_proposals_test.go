package main

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// TestDemoProposals: the demo seeds proposals over the eight themes in
// every state, expressions of interest in every state, one work group of
// the relevant respondents, and expressions waiting for the demo admin.
func TestDemoProposals(t *testing.T) {
	ctx, e, demo := demoEnv(t)
	var themes, states, interestStates []string
	var groups, waiting int
	err := db.InTenant(ctx, e.db, demo.Scope(), func(ctx context.Context, tx bun.Tx) error {
		for q, dst := range map[string]*[]string{"SELECT DISTINCT unnest(themes) FROM proposals": &themes,
			"SELECT DISTINCT state FROM proposals": &states, "SELECT DISTINCT state FROM proposal_interests": &interestStates} {
			if err := tx.NewRaw(q).Scan(ctx, dst); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM proposals p JOIN community_members m ON m.community_id = p.work_group_id
			JOIN proposal_interests i ON i.proposal_id = p.id AND i.author_id = m.user_id WHERE i.state <> 'relevant'`).Scan(&groups); err != nil {
			return err
		}
		if groups != 0 {
			t.Errorf("%d respondents not judged relevant are in a work group", groups)
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM proposals WHERE work_group_id IS NOT NULL").Scan(&groups); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM proposal_interests i JOIN proposals p ON p.id = i.proposal_id
			JOIN users u ON u.id = p.author_id WHERE u.email = 'admin@demo.example.org' AND i.state IN ('submitted', 'in_evaluation')`).Scan(&waiting)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(taxonomy.KnownThemes(themes)) != len(taxonomy.Themes) {
		t.Errorf("proposals cover the themes %v", themes)
	}
	for _, s := range []string{"draft", "to_validate", "published", "closed", "archived"} {
		if !slices.Contains(states, s) {
			t.Errorf("no proposal is %s", s)
		}
	}
	for _, s := range []string{"draft", "submitted", "in_evaluation", "relevant", "not_relevant", "withdrawn"} {
		if !slices.Contains(interestStates, s) {
			t.Errorf("no expression of interest is %s", s)
		}
	}
	if groups != 1 || waiting == 0 {
		t.Errorf("%d work groups, %d expressions waiting for the demo admin", groups, waiting)
	}
}
