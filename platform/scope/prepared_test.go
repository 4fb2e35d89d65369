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

// TestPreparedMembershipsStayInTheirTenant: the memberships are read by a
// prepared statement, planned once per connection; on a pool of one
// connection, alternating between two tenants (and past the runs after
// which the server keeps a generic plan), each read returns its own
// tenant's memberships, and outside a tenant the statement fails.
func TestPreparedMembershipsStayInTheirTenant(t *testing.T) {
	ctx := context.Background()
	sites := tenanttest.New(t, "alpha", "beta")
	alpha, beta := sites[0], sites[1]
	alpha.DB.DB.SetMaxOpenConns(1)
	alpha.Exec(t, `INSERT INTO users (email) VALUES ('a@a.example');
		INSERT INTO communities (name, kind) VALUES ('uno', 'open'), ('due', 'open');
		INSERT INTO community_members (community_id, user_id, role, state) VALUES (1, 1, 'manager', 'active'), (2, 1, 'participant', 'active');
		INSERT INTO profiles (user_id, themes) VALUES (1, '{health,aerospace}')`)
	beta.Exec(t, `INSERT INTO users (email) VALUES ('b@b.example');
		INSERT INTO communities (name, kind) VALUES ('tre', 'open'), ('quattro', 'open'), ('cinque', 'open');
		INSERT INTO community_members (community_id, user_id, role, state) VALUES (3, 1, 'participant', 'active')`)
	read := func(s tenanttest.Site) *scope.Memberships {
		var m *scope.Memberships
		s.In(t, func(ctx context.Context, tx bun.Tx) error {
			ctx, err := scope.Preload(ctx, tx, 1)
			m = scope.From(ctx, scope.Viewer{UserID: 1}).M
			return err
		})
		return m
	}
	for i := range 8 {
		if m := read(alpha); !slices.Equal(m.Communities, []int64{1, 2}) || !slices.Equal(m.Managed, []int64{1}) ||
			!slices.Equal(m.Themes, []string{"health", "aerospace"}) {
			t.Fatalf("alpha, read %d: %+v", i, m)
		}
	}
	for i := range 8 {
		if m := read(beta); !slices.Equal(m.Communities, []int64{3}) || len(m.Managed) != 0 || len(m.Themes) != 0 {
			t.Fatalf("beta, read %d: %+v", i, m)
		}
		if m := read(alpha); !slices.Equal(m.Communities, []int64{1, 2}) {
			t.Fatalf("alpha after beta, read %d: %+v", i, m)
		}
	}
	var n int
	if err := db.QueryRow(ctx, alpha.DB, "SELECT count(*) FROM community_members WHERE user_id = ?", 1).Scan(&n); err == nil {
		t.Fatalf("outside a tenant the prepared statement read %d rows", n)
	}
}

func TestNumbered(t *testing.T) {
	got := db.Numbered(`SELECT ? , '?' , "a?b", x = ? AND y IN ('it''s?', ?)`)
	if want := `SELECT $1 , '?' , "a?b", x = $2 AND y IN ('it''s?', $3)`; got != want {
		t.Fatalf("Numbered:\n got %s\nwant %s", got, want)
	}
}
