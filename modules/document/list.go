package document

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/search"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// The orders of a library's list.
const (
	byName = "name"
	byDate = "date"
	bySize = "size"
)

// Sorts are the orders the list offers, the first its default.
var Sorts = []string{byName, byDate, bySize}

// orders are the keyset orders of the sorts: names A to Z, the latest
// changed first, the largest first. The size is compared as fixed-width
// digits, since a cursor holds a date or a text.
var orders = map[string]keyset.Order{
	byName: {Key: "lower(d.title)", ID: "d.id", Text: true},
	byDate: {Key: "d.updated_at", ID: "d.id", Desc: true},
	bySize: {Key: "lpad(d.size::text, 19, '0')", ID: "d.id", Desc: true, Text: true},
}

// cursorOf is a document's position in the list ordered by sort: its
// date, or the text key as the database computed it (ListKey).
func cursorOf(sort string) func(d *Document) keyset.Cursor {
	return func(d *Document) keyset.Cursor {
		if sort == byDate {
			return keyset.Cursor{At: d.UpdatedAt, ID: d.ID}
		}
		return keyset.Cursor{Text: d.ListKey, ID: d.ID}
	}
}

// Query is what the list of a library's documents asks: words searched
// in the whole library (else the folder's documents are listed), a
// category (an S3 theme) and a kind, the order, and where the page starts.
type Query struct {
	Words, Theme, Kind, Sort, After string
}

// maxWords bounds the words searched, in characters.
const maxWords = 200

// QueryOf reads the list's query from its parameters, keeping only known
// values (unknown ones are dropped, an over-long search is cut).
func QueryOf(get func(key string) string) Query {
	q := Query{Words: strings.TrimSpace(search.Clean(get("q"))), Theme: get("theme"), Kind: get("kind"), Sort: get("sort"), After: get("after")}
	if utf8.RuneCountInString(q.Words) > maxWords {
		q.Words = string([]rune(q.Words)[:maxWords])
	}
	if !slices.Contains(taxonomy.Themes, q.Theme) {
		q.Theme = ""
	}
	if !slices.Contains(Kinds, q.Kind) {
		q.Kind = ""
	}
	if !slices.Contains(Sorts, q.Sort) {
		q.Sort = byName
	}
	return q
}

// Keep are the query's values a page's links keep (not its position).
func (q Query) Keep() url.Values {
	v := url.Values{"q": {q.Words}, "theme": {q.Theme}, "kind": {q.Kind}}
	if q.Sort != byName {
		v.Set("sort", q.Sort)
	}
	return v
}

// Searching says whether the list is a search of the whole library.
func (q Query) Searching() bool { return q.Words != "" }

// list is the name of the list in its cursors: one per order, so that a
// cursor of another order names no page.
func (q Query) list() string { return "documents:" + q.Sort }

// listDocuments returns a page of the documents of library lib that v may
// see, as q asks: the folder's (0: the root's), or the whole library's
// matching q's words, each in its own language; and the next page's cursor.
func listDocuments(ctx context.Context, tx bun.IDB, v scope.Viewer, lib *Library, folder int64, q Query) ([]Document, string, error) {
	cur, err := keyset.Decode(q.list(), q.After)
	if err != nil {
		return nil, "", err
	}
	var ds []Document
	// A folder's page goes prepared, its values parameters (planning the
	// scope conditions cost more than running them); a search of the
	// library writes its words as SQL, a text of its own.
	if !q.Searching() {
		v.P = &db.Params{}
	}
	sq := libraryWhere(selectList(tx, v, &ds), "d", lib.CommunityID, v.P)
	switch {
	case q.Searching():
		sq = sq.Where("d.search @@ "+search.OwnLanguage("d.language"), search.Queries(q.Words)...)
	case folder == 0:
		sq = sq.Where("d.folder_id IS NULL")
	default:
		sq = sq.Where("d.folder_id = ?", v.P.Arg(folder))
	}
	if q.Theme != "" {
		sq = sq.Where("d.themes @> ARRAY[?]::text[]", v.P.Arg(q.Theme))
	}
	if q.Kind != "" {
		sq = sq.Where("d.kind = ?", v.P.Arg(q.Kind))
	}
	if v.P != nil {
		sq = sq.Conn(db.Bound(tx, v.P))
	}
	o := orders[q.Sort]
	if o.Text {
		sq = sq.ColumnExpr(o.Key + " AS list_key")
	}
	if err := o.Page(sq, cur, keyset.Size).Scan(ctx); err != nil {
		return nil, "", fmt.Errorf("list documents: %w", err)
	}
	ds, next := keyset.Cut(ds, keyset.Size, q.list(), cursorOf(q.Sort))
	for i := range ds {
		ds[i].Body = brief(ds[i].Body)
	}
	return ds, next, nil
}

// idOf is a form's or address's id (0 when absent or not a positive number).
func idOf(s string) int64 {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}
