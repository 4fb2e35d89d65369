package feed_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	pdb "github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/feed"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// TestPage: a source's page after any cursor — of its own kind, of a kind
// before or after it, in evidence or none — holds, in the database, the
// entries Cursor.After says come after it, newest first, and no more than
// asked; with the cursor's values written as literals and as the
// parameters of a prepared statement.
func TestPage(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	type row struct {
		at time.Time
		id int64
	}
	var rows []row
	var values []string
	var args []any
	for i := range 12 {
		r := row{base.Add(time.Duration(i/3) * time.Minute), int64(12 - i)} // three entries a minute, ids against the dates
		rows, values, args = append(rows, r), append(values, "(?::timestamptz, ?::bigint)"), append(args, r.at, r.id)
	}
	const kind = "document"
	read := func(c feed.Cursor, limit int, prepared bool) []int64 {
		t.Helper()
		var ids []int64
		q := db.NewSelect().TableExpr("(VALUES "+strings.Join(values, ", ")+") AS e(at, id)", args...).ColumnExpr("e.id")
		var p *pdb.Params
		if prepared {
			p = &pdb.Params{}
			q = q.Conn(pdb.Bound(db.DB, p))
		}
		if err := c.Page(q, p, kind, "e.at", "e.id", limit).Scan(ctx, &ids); err != nil {
			t.Fatalf("after %+v, %d (prepared %v): %v", c, limit, prepared, err)
		}
		return ids
	}
	want := func(c feed.Cursor, limit int) []int64 {
		sorted := slices.Clone(rows)
		slices.SortFunc(sorted, func(a, b row) int {
			if !a.at.Equal(b.at) {
				return b.at.Compare(a.at)
			}
			return int(b.id - a.id)
		})
		out := []int64{}
		for _, r := range sorted {
			if c.After(false, r.at, kind, r.id) && len(out) < limit {
				out = append(out, r.id)
			}
		}
		return out
	}
	cursors := []feed.Cursor{{}, {Set: true, InEvidence: true, At: base.Add(time.Hour), Kind: "news", ID: 1}}
	for _, r := range rows {
		for _, k := range []string{"discussion", kind, "proposal"} {
			cursors = append(cursors, feed.Cursor{Set: true, At: r.at, Kind: k, ID: r.id})
		}
	}
	for _, c := range cursors {
		for _, limit := range []int{4, 20} {
			for _, prepared := range []bool{false, true} {
				if got, w := read(c, limit, prepared), want(c, limit); !slices.Equal(got, w) && !(len(got) == 0 && len(w) == 0) {
					t.Errorf("after %+v, %d (prepared %v): %v, want %v", c, limit, prepared, got, w)
				}
			}
		}
	}
}
