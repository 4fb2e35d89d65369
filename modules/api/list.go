package api

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/site"
)

// Paging: 20 items a page unless ?limit= asks for 1 to 100.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// record is an item as the API shows it: JSON (its fields' tags) and a
// row of CSV.
type record interface{ row() []string }

// filter is a query parameter of a list and the values it takes.
type filter struct {
	name string
	ok   func(string) bool
}

// listQuery is what a list's query string asks: where the page starts,
// how long it is, in which format, and the parameters its next page
// keeps.
type listQuery struct {
	cursor keyset.Cursor
	limit  int
	csv    bool
	keep   url.Values
}

// readList reads a list's query string: cursor (one that a page of list
// wrote), limit, format and the filters, each refused (400, naming it)
// when it is not a value it takes.
func (m *Module) readList(c *fiber.Ctx, list string, filters []filter) (listQuery, *Problem) {
	q := listQuery{limit: defaultLimit, keep: url.Values{}}
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return q, invalid("limit")
		}
		q.limit = n
		q.keep.Set("limit", s)
	}
	var err error
	if q.cursor, err = keyset.Decode(list, c.Query("cursor")); err != nil {
		return q, invalid("cursor")
	}
	switch f := c.Query("format"); f {
	case "csv":
		q.csv = true
		q.keep.Set("format", f)
	case "json":
		q.keep.Set("format", f)
	case "":
		a := c.Get(fiber.HeaderAccept)
		q.csv = strings.Contains(a, "text/csv") && !strings.Contains(a, fiber.MIMEApplicationJSON)
	default:
		return q, invalid("format")
	}
	for _, f := range filters {
		if v := c.Query(f.name); v != "" {
			if !f.ok(v) {
				return q, invalid(f.name)
			}
			q.keep.Set(f.name, v)
		}
	}
	return q, nil
}

// list answers a page of records: JSON {"data": [...], "next": the
// address of the next page or null}, or CSV with a header row (the next
// page's address then goes in a Link header). Addresses name the tenant's
// registered host, never a request header's.
func (m *Module) list(c *fiber.Ctx, q listQuery, header []string, rows []record, next string) error {
	var nextURL *string
	if next != "" {
		keep := url.Values{}
		for k, v := range q.keep {
			keep[k] = v
		}
		keep.Set("cursor", next)
		u := site.RequestURL(c, m.scheme, strings.TrimSuffix(c.Path(), "/")+"?"+keep.Encode())
		nextURL = &u
	}
	if !q.csv {
		if rows == nil {
			rows = []record{}
		}
		return c.JSON(fiber.Map{"data": rows, "next": nextURL})
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(header)
	for _, r := range rows {
		cells := r.row()
		for i, s := range cells {
			cells[i] = cell(s)
		}
		_ = w.Write(cells)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return m.answer(c, err)
	}
	if nextURL != nil {
		c.Set(fiber.HeaderLink, "<"+*nextURL+`>; rel="next"`)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	return c.Send(buf.Bytes())
}

// cell is s as a CSV cell a spreadsheet shows as text: one starting with
// =, +, -, @, a tab or a carriage return (a formula, or the start of one)
// gets a leading apostrophe.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// The filters most lists share.
var (
	// language is a content's language code.
	language = filter{"language", func(s string) bool { return len(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z' }}
	// updatedSince is a time (RFC 3339) or a day.
	updatedSince = filter{"updated_since", func(s string) bool { _, ok := since(s); return ok }}
)

// oneOf is a filter taking the values of vs.
func oneOf(name string, vs []string) filter {
	return filter{name, func(s string) bool {
		for _, v := range vs {
			if s == v {
				return true
			}
		}
		return false
	}}
}

// since reads updated_since: a time in RFC 3339 or a day (midnight UTC),
// between the years 1 and 9999.
func since(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.Parse(time.DateOnly, s)
	}
	return t, err == nil && t.Year() >= 1 && t.Year() <= 9999
}

// sharedWhere narrows a content type's list by the request's language
// and updated_since (on the table aliased alias, a name of the code's),
// read once here.
func sharedWhere(c *fiber.Ctx, alias string) func(*bun.SelectQuery) *bun.SelectQuery {
	lang := strings.Clone(c.Query("language"))
	from, after := since(c.Query("updated_since"))
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		if lang != "" {
			q = q.Where(alias+".language = ?", lang)
		}
		if after {
			q = q.Where(alias+".updated_at >= ?", from)
		}
		return q
	}
}

// joined is a list as one CSV cell.
func joined(l []string) string { return strings.Join(l, ";") }

// stamp is t in RFC 3339 for a CSV cell ("" for none).
func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
