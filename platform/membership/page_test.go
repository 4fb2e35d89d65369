package membership_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/membership"
	"github.com/piazza-pa/piazza/platform/site"
	"github.com/piazza-pa/piazza/tenant/tenanttest"
)

// person is a row of a page of a group's people.
type person struct {
	bun.BaseModel `bun:"table:community_members,alias:m"`

	UserID  int64  `bun:"user_id"`
	Role    string `bun:"role"`
	State   string `bun:"state"`
	Name    string `bun:"name"`
	ListKey string `bun:"list_key"`
}

// pages reads group gid's list state (filtered by who) page after page,
// calling between after each, and returns the names read in order.
func pages(t *testing.T, in func(func(ctx context.Context, tx bun.Tx) error) error, ctx context.Context, gid int64, state, who string, between func(int)) []string {
	t.Helper()
	var seen []string
	after := ""
	for n := 1; ; n++ {
		l, err := spec.Open(ctx, gid, state, who, after)
		if err != nil {
			t.Fatalf("page %d: %v", n, err)
		}
		var rows []person
		if err := in(func(ctx context.Context, tx bun.Tx) error {
			rows, after, err = membership.Page(ctx, spec, gid, l, 7, func(ps *[]person) *bun.SelectQuery {
				return tx.NewSelect().Model(ps).ColumnExpr("m.user_id, m.role, m.state")
			}, func(p *person) (string, string, int64) { return p.Role, p.ListKey, p.UserID })
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(rows) > 7 {
			t.Errorf("page %d holds %d rows, more than 7", n, len(rows))
		}
		for _, r := range rows {
			seen = append(seen, r.Name)
		}
		if between != nil {
			between(n)
		}
		if after == "" {
			return seen
		}
	}
}

// TestPage: a group's list is read page by page, leaders first, then by
// name (as shown, in any case) and id, each member once even while people
// join before and after the page being read; the filter by name and the
// state keep to their rows; a cursor altered, of another group, of another
// state or of another site names no page.
func TestPage(t *testing.T) {
	ctx := context.Background()
	ts := tenanttest.One(t)
	d, tn := ts, ts.Tenant
	in := func(fn func(ctx context.Context, tx bun.Tx) error) error {
		return db.InTenant(ctx, d.DB, tn.Scope(), fn)
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := in(func(ctx context.Context, tx bun.Tx) error { _, err := tx.ExecContext(ctx, sql, args...); return err }); err != nil {
			t.Fatal(err)
		}
	}
	// Group 1: 40 members named "M 01" … "M 39" (every fifth with the same
	// name as the one before it), 3 managers, 1 invited; group 2 apart.
	exec(`INSERT INTO communities (name, kind) VALUES ('uno', 'open'), ('due', 'open');
		INSERT INTO users (email, display_name) SELECT 'u' || i || '@a.example', 'M ' || lpad((i - (i % 5 = 0)::int)::text, 2, '0')
			FROM generate_series(1, 40) AS i;
		INSERT INTO users (email, given_name, family_name) VALUES ('z1@a.example', 'Zeta', 'Capo'), ('z2@a.example', '', '');
		INSERT INTO users (email, display_name) VALUES ('z3@a.example', 'a capo'), ('i1@a.example', 'Invitato'), ('o1@a.example', 'Altro');
		INSERT INTO community_members (community_id, user_id, role, state)
			SELECT 1, id, CASE WHEN email LIKE 'z%' THEN 'manager' ELSE 'participant' END,
				CASE WHEN email LIKE 'i%' THEN 'invited' ELSE 'active' END FROM users WHERE email NOT LIKE 'o%';
		INSERT INTO community_members (community_id, user_id, role, state) SELECT 2, id, 'participant', 'active' FROM users WHERE email = 'o1@a.example'`)
	want := []string{"a capo", "z2", "Zeta Capo"}
	for i := 1; i <= 40; i++ {
		want = append(want, fmt.Sprintf("M %02d", i-map[bool]int{true: 1}[i%5 == 0]))
	}
	if got := pages(t, in, ctx, 1, "", "", nil); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("the members in order:\n got %v\nwant %v", got, want)
	}

	joining(t, in, ctx, exec, want)
	if got := pages(t, in, ctx, 1, membership.Invited, "", nil); strings.Join(got, ",") != "Invitato" {
		t.Errorf("the invitations: %v", got)
	}
	if got := pages(t, in, ctx, 1, "", "CAPO", nil); strings.Join(got, ",") != "a capo,Zeta Capo" {
		t.Errorf("filtered by name: %v", got)
	}
	if got := pages(t, in, ctx, 2, "", "", nil); strings.Join(got, ",") != "Altro" {
		t.Errorf("group 2 shows another group's people: %v", got)
	}
	cursors(t, ctx, tn.ID)
}

// joining: people join group 1 between pages, before the cursor and
// after it: those listed before stay listed once, in order; newcomers
// show at most once, those before the cursor not at all.
func joining(t *testing.T, in func(func(ctx context.Context, tx bun.Tx) error) error, ctx context.Context, exec func(string, ...any), want []string) {
	t.Helper()
	joined := 0
	seen := pages(t, in, ctx, 1, "", "", func(n int) {
		joined++
		exec(`WITH u AS (INSERT INTO users (email, display_name) VALUES (?, ?), (?, ?), (?, ?) RETURNING id)
			INSERT INTO community_members (community_id, user_id, state) SELECT 1, id, 'active' FROM u`,
			fmt.Sprintf("a%d@a.example", n), "A nuovo", fmt.Sprintf("n%d@a.example", n), fmt.Sprintf("M %02d bis", 8*n),
			fmt.Sprintf("y%d@a.example", n), "Zz nuovo")
	})
	count := map[string]int{}
	for _, s := range seen {
		count[s]++
	}
	for _, w := range want {
		if count[w] != wantCount(want, w) {
			t.Errorf("%q read %d times while people joined", w, count[w])
		}
	}
	if joined < 6 {
		t.Errorf("only %d pages read", joined)
	}
	if count["A nuovo"] != 0 || count["Zz nuovo"] == 0 {
		t.Errorf("those joining before the page read show (%d), or those after it do not (%d)", count["A nuovo"], count["Zz nuovo"])
	}

}

// wantCount is how many times w is in want (names shared by two people).
func wantCount(want []string, w string) int {
	n := 0
	for _, x := range want {
		if x == w {
			n++
		}
	}
	return n
}

// cursors: a cursor opens its own list only.
func cursors(t *testing.T, ctx context.Context, sid int64) {
	ctx = site.NewContext(ctx, &site.Site{ID: sid})
	l, err := spec.Open(ctx, 1, "", "", "")
	if err != nil || l.State != membership.Active || l.Asked {
		t.Fatalf("the first page of the members: %+v %v", l, err)
	}
	c := keyset.Cursor{Text: "om 07", ID: 9}.Encode(l.Name)
	if l, err := spec.Open(ctx, 1, "", "", c); err != nil || !l.After.Set || !l.Asked {
		t.Errorf("its own cursor: %+v %v", l, err)
	}
	other := site.NewContext(ctx, &site.Site{ID: sid + 1})
	bad := []struct {
		name  string
		ctx   context.Context
		gid   int64
		state string
		after string
	}{
		{"altered", ctx, 1, "", c[:len(c)-1] + "A"},
		{"another group's", ctx, 2, "", c},
		{"another state's", ctx, 1, membership.Invited, c},
		{"another site's", other, 1, "", c},
		{"not a list", ctx, 1, "rejected", ""},
		{"no part", ctx, 1, "", keyset.Cursor{Text: "xm 07", ID: 9}.Encode(l.Name)},
	}
	for _, b := range bad {
		if _, err := spec.Open(b.ctx, b.gid, b.state, "", b.after); !errors.Is(err, keyset.ErrCursor) {
			t.Errorf("%s cursor: %v", b.name, err)
		}
	}
}
