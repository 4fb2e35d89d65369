package membership_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
)

// TestCandidates: the people offered for an invitation are the active
// ones not linked to the group (one whose request was rejected may be
// invited), matched by the start of a word of their name (their address
// only when asked), few, by name; a query that is short or made of LIKE's
// wildcards finds nobody.
func TestCandidates(t *testing.T) {
	ctx := context.Background()
	ts := tenanttest.One(t)
	d, tn := ts, ts.Tenant
	var err error
	err = db.InTenant(ctx, d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (email, display_name, status) VALUES
				('anna@a.example', 'Anna Bianchi', 'active'), ('bruno@a.example', 'Bruno Bianco', 'active'),
				('carla@a.example', 'Carla Bini', 'active'), ('dario@a.example', 'Dario Bisi', 'suspended'),
				('bix@a.example', 'Elena Rossi', 'active'), ('fabio@a.example', 'Fabio Bianchi', 'active');
			INSERT INTO users (email, display_name) SELECT 'p' || i || '@a.example', 'Persona ' || i FROM generate_series(1, 15) AS i;
			INSERT INTO communities (name, kind) VALUES ('uno', 'reserved');
			INSERT INTO community_members (community_id, user_id, role, state) VALUES
				(1, 1, 'manager', 'active'), (1, 2, 'participant', 'invited'), (1, 6, 'participant', 'rejected')`)
		if err != nil {
			return err
		}
		for _, c := range []struct {
			query     string
			addresses bool
			want      []string
		}{
			{"bi", false, []string{"Carla Bini", "Fabio Bianchi"}},
			{"  BI ", false, []string{"Carla Bini", "Fabio Bianchi"}},
			{"bi", true, []string{"Carla Bini", "Elena Rossi", "Fabio Bianchi"}},
			{"fabio bia", false, []string{"Fabio Bianchi"}},
			{"ini", false, nil},
			{"b", false, nil},
			{"%%", false, nil},
			{"__", false, nil},
			{"persona", false, []string{"Persona 1", "Persona 10", "Persona 11", "Persona 12", "Persona 13", "Persona 14", "Persona 15", "Persona 2", "Persona 3", "Persona 4"}},
		} {
			cs, err := spec.Candidates(ctx, tx, 1, c.query, c.addresses, 10)
			if err != nil {
				return err
			}
			var got []string
			for _, x := range cs {
				got = append(got, x.Name)
				if (x.Email != "") != c.addresses {
					t.Errorf("%q: the address of %s is %q", c.query, x.Name, x.Email)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%q (addresses %v): %q, want %q", c.query, c.addresses, got, c.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
