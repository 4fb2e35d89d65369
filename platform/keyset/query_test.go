package keyset_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/keyset"
)

// TestPageWithParameters: with parameters, every page after the first is
// the same statement, its cursor's values bound as parameters; without,
// they are written as literals.
func TestPageWithParameters(t *testing.T) {
	bdb := bun.NewDB(nil, pgdialect.New())
	order := keyset.Order{Key: "e.spent_on", ID: "e.id", Desc: true, Date: true}
	text := func(p *db.Params, c keyset.Cursor) string {
		return order.PageWith(bdb.NewSelect().TableExpr("expenses AS e").Column("e.id"), p, c, 20).String()
	}
	a := keyset.Cursor{Set: true, At: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), ID: 41}
	b := keyset.Cursor{Set: true, At: time.Date(2025, 7, 9, 0, 0, 0, 0, time.UTC), ID: 7}
	pa, pb := &db.Params{}, &db.Params{}
	if ta, tb := text(pa, a), text(pb, b); ta != tb || strings.Contains(ta, "41") || !strings.Contains(ta, "$2::bigint") {
		t.Fatalf("pages after two cursors:\n%s\n%s", ta, tb)
	}
	if v := pa.Values(); len(v) != 2 || v[1] != int64(41) {
		t.Fatalf("the cursor's values: %v", v)
	}
	if ta := text(nil, a); !strings.Contains(ta, "41") || strings.Contains(ta, "$") {
		t.Fatalf("without parameters: %s", ta)
	}
}

// TestDatePages: a list ordered by a date column pages through every row
// once, rows of the same day included, whatever the session's time zone
// (a cursor's day bound as a time would be its midnight in the zone: a
// zone east of UTC repeated the day's rows already shown, one west of it
// skipped some), prepared or with literals.
func TestDatePages(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	order := keyset.Order{Key: "e.spent_on", ID: "e.id", Desc: true, Date: true}
	for _, zone := range []string{"Pacific/Kiritimati", "UTC", "America/Los_Angeles"} {
		for _, prepared := range []bool{true, false} {
			err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				if _, err := tx.ExecContext(ctx, "SELECT set_config('TimeZone', ?, true)", zone); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `CREATE TEMPORARY TABLE e ON COMMIT DROP AS
					SELECT g::bigint AS id, date '2025-01-01' + (g / 4) AS spent_on FROM generate_series(1, 30) AS g`); err != nil {
					return err
				}
				seen := map[int64]int{}
				var cur keyset.Cursor
				for pages := 0; ; pages++ {
					if pages > 10 {
						t.Fatalf("%s: more than 10 pages", zone)
					}
					var rows []struct {
						ID      int64     `bun:"id"`
						SpentOn time.Time `bun:"spent_on"`
					}
					var p *db.Params
					if prepared {
						p = &db.Params{}
					}
					q := order.PageWith(tx.NewSelect().TableExpr("e").ColumnExpr("e.id, e.spent_on"), p, cur, 7)
					if prepared {
						q = q.Conn(db.Bound(tx, p))
					}
					if err := q.Scan(ctx, &rows); err != nil {
						return err
					}
					more := len(rows) > 7
					if more {
						rows = rows[:7]
					}
					for _, r := range rows {
						seen[r.ID]++
					}
					if !more {
						break
					}
					last := rows[len(rows)-1]
					cur = keyset.Cursor{Set: true, At: last.SpentOn, ID: last.ID}
				}
				for id := int64(1); id <= 30; id++ {
					if seen[id] != 1 {
						t.Errorf("%s (prepared %v): row %d listed %d times", zone, prepared, id, seen[id])
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}
