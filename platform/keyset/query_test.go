package keyset_test

import (
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/keyset"
)

// TestPageWithParameters: with parameters, every page after the first is
// the same statement, its cursor's values bound as parameters; without,
// they are written as literals.
func TestPageWithParameters(t *testing.T) {
	bdb := bun.NewDB(nil, pgdialect.New())
	order := keyset.Order{Key: "e.spent_on", ID: "e.id", Desc: true}
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
