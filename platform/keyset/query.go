package keyset

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
)

// Size is the rows a list shows on a page, unless it says otherwise.
const Size = 20

// Order is how a list is ordered: by Key, then by ID (a unique column, so
// that no two rows share a position), both descending when Desc. Key and
// ID are SQL over the query's table, written by the code (never input);
// Text says the key is text (Cursor.Text), else a time (Cursor.At); Date
// that it is a date column (Cursor.At its midnight UTC, as pgx reads a
// date), compared as a date whatever the session's time zone. An index
// on (Key, ID) serves both the order and the start of every page.
type Order struct {
	Key, ID string
	Desc    bool
	Text    bool
	Date    bool
}

// Page adds to q the list's order, its start after c and a limit of size
// rows and one more, which tells Cut whether a page follows.
func (o Order) Page(q *bun.SelectQuery, c Cursor, size int) *bun.SelectQuery {
	return o.PageWith(q, nil, c, size)
}

// PageWith is Page for a query that goes prepared (db.Bound) with the
// parameters p: the cursor's values are parameters of p, so that every
// page after the first is one statement, prepared once per connection,
// rather than a new one per cursor (each prepared, and pushing the
// connection's other statements out of its cache). A nil p writes them
// as literals (Page).
func (o Order) PageWith(q *bun.SelectQuery, p *db.Params, c Cursor, size int) *bun.SelectQuery {
	dir, op := " ASC", ">"
	if o.Desc {
		dir, op = " DESC", "<"
	}
	if c.Set {
		var key any = c.At
		cast := ""
		switch {
		case o.Text:
			key = c.Text
		case o.Date:
			// A date, not a time: compared with a time, a date is its
			// midnight in the session's time zone, and the cursor's day
			// would move by the zone's offset.
			key, cast = c.At.UTC().Format(time.DateOnly), "::date"
		}
		q = q.Where("("+o.Key+", "+o.ID+") "+op+" (?"+cast+", ?)", p.Arg(key), p.Arg(c.ID))
	}
	return q.OrderExpr(o.Key + dir + ", " + o.ID + dir).Limit(int64(size) + 1)
}

// Cut keeps the first size of rows (read with Order.Page) and returns the
// cursor of list's next page after the last of them, "" when no row
// follows; at is a row's position.
func Cut[T any](rows []T, size int, list string, at func(*T) Cursor) ([]T, string) {
	if len(rows) <= size {
		return rows, ""
	}
	rows = rows[:size]
	c := at(&rows[size-1])
	c.Set = true
	return rows, c.Encode(list)
}
