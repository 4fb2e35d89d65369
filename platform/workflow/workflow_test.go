package workflow_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/workflow"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// TestApply runs a content type whose workflow is only data: a table with
// a state and the rows of its transitions.
func TestApply(t *testing.T) {
	ctx := context.Background()
	ts := tenanttest.One(t)
	d, tn := ts, ts.Tenant
	var err error
	in := func(fn func(ctx context.Context, tx bun.Tx) error) error {
		return db.InTenant(ctx, d.DB, tn.Scope(), fn)
	}
	err = in(func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE polls (id bigint PRIMARY KEY, state text NOT NULL, updated_at timestamptz);
			INSERT INTO polls VALUES (1, 'draft', now());
			INSERT INTO users (email) VALUES ('a@alpha.example');
			INSERT INTO workflow_transitions VALUES ('poll', 'open', 'draft', 'open', 'manage'), ('poll', 'close', 'open', 'closed', 'manage')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	item := workflow.Item{Type: "poll", Table: "polls", ID: 1}
	allow := func(string) bool { return true }
	deny := func(string) bool { return false }
	steps := []struct {
		action string
		may    workflow.Guard
		err    error
		state  string
	}{
		{"close", allow, platform.ErrConflict, "draft"},
		{"open", deny, platform.ErrForbidden, "draft"},
		{"open", allow, nil, "open"},
		{"open", allow, platform.ErrConflict, "open"},
		{"close", allow, nil, "closed"},
	}
	for _, s := range steps {
		err := in(func(ctx context.Context, tx bun.Tx) error {
			_, err := workflow.Apply(ctx, tx, item, s.action, 1, "nota", s.may)
			return err
		})
		if !errors.Is(err, s.err) && !(s.err == nil && err == nil) {
			t.Errorf("%s: %v, want %v", s.action, err, s.err)
		}
		var state string
		_ = in(func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT state FROM polls WHERE id = 1").Scan(&state)
		})
		if state != s.state {
			t.Fatalf("after %s: %s, want %s", s.action, state, s.state)
		}
	}
	var hist []workflow.Step
	_ = in(func(ctx context.Context, tx bun.Tx) error {
		hist, err = workflow.History(ctx, tx, item)
		return err
	})
	if len(hist) != 2 || hist[0].Action != "open" || hist[1].To != "closed" || hist[0].ActorName != "a" || hist[0].Note != "nota" {
		t.Errorf("history: %+v", hist)
	}
	if err := in(func(ctx context.Context, tx bun.Tx) error {
		_, err := workflow.Apply(ctx, tx, workflow.Item{Type: "poll", Table: "polls", ID: 99}, "open", 1, "", allow)
		return err
	}); !errors.Is(err, platform.ErrNotFound) {
		t.Errorf("a missing item: %v", err)
	}
}
