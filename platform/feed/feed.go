// Package feed is how modules feed a member's dashboard and inbox: the
// entries of the feed with their keyset cursor (evidence, date, kind, id —
// never an offset) and the tasks waiting for a decision with the actions
// that answer them.
package feed

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
)

// Entry is one item of the feed.
type Entry struct {
	// Kind orders entries of equal date and evidence; Label is its message key.
	Kind, Label    string
	ID             int64
	Title, Summary string
	URL, Where     string
	// Image is the address of the item's picture ("" for none).
	Image      string
	At         time.Time
	InEvidence bool
}

// Cursor is where a page of the feed starts: after the entry with these
// keys (the feed is ordered by evidence, then date, kind and id, all
// descending but kind).
type Cursor struct {
	Set        bool
	InEvidence bool
	At         time.Time
	Kind       string
	ID         int64
}

// After says whether an entry of kind k with these keys comes after c.
func (c Cursor) After(inEvidence bool, at time.Time, kind string, id int64) bool {
	if !c.Set {
		return true
	}
	if inEvidence != c.InEvidence {
		return !inEvidence
	}
	if !at.Equal(c.At) {
		return at.Before(c.At)
	}
	if kind != c.Kind {
		return kind > c.Kind
	}
	return id < c.ID
}

// Page cuts q, the query of a source whose entries are all of kind and
// never in evidence, dated by the SQL expression at and numbered by id
// (names the code chose, never input), to the entries after c, in feed
// order, at most limit. The conditions compare (at, id) as a row or at
// alone, so that an index on (at DESC, id DESC) starts each page where
// the cursor is rather than reading the pages before it. The cursor's
// values are p's parameters (see db.Params; literals for a nil p), so
// that a prepared text serves every cursor of the same case.
func (c Cursor) Page(q *bun.SelectQuery, p *db.Params, kind, at, id string, limit int) *bun.SelectQuery {
	if c.Set && !c.InEvidence { // after an entry in evidence every entry of kind comes
		switch {
		case kind == c.Kind:
			q = q.Where("("+at+", "+id+") < (?, ?)", p.Arg(c.At), p.Arg(c.ID))
		case kind > c.Kind:
			q = q.Where(at+" <= ?", p.Arg(c.At))
		default:
			q = q.Where(at+" < ?", p.Arg(c.At))
		}
	}
	return q.OrderExpr(at + " DESC, " + id + " DESC").Limit(int64(limit))
}

// Task is something waiting for the member's decision.
type Task struct {
	Label   string // message key of what it is
	Title   string
	Detail  string
	URL     string
	At      time.Time
	Actions []Action
}

// Action is one answer to a task, posted in place.
type Action struct {
	Label  string // message key
	URL    string
	Danger bool
}

// Decide is the two answers of a task: yes (label and address), then no,
// marked as the dangerous one.
func Decide(yes, yesURL, no, noURL string) []Action {
	return []Action{{Label: yes, URL: yesURL}, {Label: no, URL: noURL, Danger: true}}
}

// Encode is the cursor as a URL parameter.
func (c Cursor) Encode() string {
	ev := "0"
	if c.InEvidence {
		ev = "1"
	}
	raw := strings.Join([]string{ev, strconv.FormatInt(c.At.UnixMicro(), 10), c.Kind, strconv.FormatInt(c.ID, 10)}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// DecodeCursor reads a cursor from its URL parameter ("" for the first page).
func DecodeCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, err
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 4 || (parts[0] != "0" && parts[0] != "1") || !kindRE.MatchString(parts[2]) {
		return Cursor{}, fmt.Errorf("dashboard: bad cursor")
	}
	us, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || us < minCursor || us > maxCursor {
		return Cursor{}, fmt.Errorf("dashboard: bad cursor")
	}
	return Cursor{Set: true, InEvidence: parts[0] == "1", At: time.UnixMicro(us), Kind: parts[2], ID: id}, nil
}

// The times a cursor may hold (microseconds since 1970): years 1 to 9999,
// which PostgreSQL and every page can show.
const (
	minCursor = -62_135_596_800_000_000 // 0001-01-01T00:00:00Z
	maxCursor = 253_402_300_799_999_999 // 9999-12-31T23:59:59.999999Z
)

// kindRE is what a content kind looks like.
var kindRE = regexp.MustCompile(`^[a-z][a-z_]{0,31}$`)

// Scheduled is a content source whose items enter or leave lists at set
// times (publication windows): NextChange is the first such time after now,
// zero for none.
type Scheduled interface {
	NextChange(ctx context.Context, tx bun.IDB) (time.Time, error)
}

// Until is until when lists drawn from sources stay as they are if nothing
// is written: the first NextChange of those that are Scheduled, or limit if
// none comes sooner.
func Until[S any](ctx context.Context, tx bun.IDB, limit time.Time, sources []S) (time.Time, error) {
	for _, s := range sources {
		sc, ok := any(s).(Scheduled)
		if !ok {
			continue
		}
		next, err := sc.NextChange(ctx, tx)
		if err != nil {
			return limit, err
		}
		if !next.IsZero() && next.Before(limit) {
			limit = next
		}
	}
	return limit, nil
}
