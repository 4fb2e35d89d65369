package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/web"
)

// route is how TestBadInput reaches one route: a path with ids of the
// demo data, a form (or query) that the route accepts, and what of it is
// text, and how long the database lets each text be.
type route struct {
	path string
	who  func(s *site) *visitor
	// form is an accepted form (POST) or query (GET); n makes values that
	// must be unique (keys, names) differ between requests.
	form func(n int) url.Values
	// text are the fields (or query parameters) read as text.
	text []string
	// long are the fields with the length the database allows: one more
	// character is refused with the form (422), that length is accepted.
	long map[string]int
	// ids are fields (or query parameters) that carry ids or numbers.
	ids []string
	// cursor is the query parameter holding a list's position.
	cursor string
	// rich are the long fields kept as HTML: their markup counts too, so
	// the accepted text is a little shorter than the column.
	rich []string
	// times are datetime fields.
	times []string
	// upload is the file field, and files what to upload in it (an image
	// when none), each under a name too long and with a NUL.
	upload string
	files  [][]byte
}

// badTexts are values PostgreSQL refuses in text.
var badTexts = map[string]string{"NUL": "a\x00b", "not UTF-8": "a\xff\xfeb"}

// badIDs are numbers no id or page has.
var badIDs = []string{"99999999999999999999", "9223372036854775807", "-1", "0", "abc", "1e3"}

var paramRE = regexp.MustCompile(`:(\w+)(<int>)?`)

// TestBadInput: every route of both hosts (taken from the running server:
// a new route without an entry here fails), given text PostgreSQL does not
// store, text longer than its column allows, ids and cursors out of range,
// answers with a 4xx page saying what is wrong, never 500, and writes
// nothing.
func TestBadInput(t *testing.T) {
	s := startSite(t)
	table := routeTable(s)
	for _, area := range []string{web.AreaTenant, web.AreaOperator} {
		for _, r := range s.srv.Routes(area) {
			if r.Method == "HEAD" {
				continue
			}
			key := area + " " + r.Method + " " + r.Path
			p, ok := table[key]
			if !ok {
				t.Errorf("%s: no entry in the table of TestBadInput", key)
				continue
			}
			delete(table, key)
			t.Run(key, func(t *testing.T) { s.probe(t, r.Method, r.Path, p) })
		}
	}
	for key := range table {
		t.Errorf("%s: in the table but not served", key)
	}
	t.Run("headers and cookies", s.probeHeaders)
}

// probe sends every bad value the route can take.
func (s *site) probe(t *testing.T, method, pattern string, p route) {
	pr := &prober{site: s, t: t, method: method, pattern: pattern, route: p, v: p.who(s)}
	pr.texts()
	pr.params()
	pr.values()
	pr.lengths()
	pr.uploads()
}

// prober sends bad values to one route.
type prober struct {
	*site
	t               *testing.T
	method, pattern string
	route
	v *visitor
}

// expectation is what answers a bad value may get (never 5xx).
type expectation func(code int, page string) bool

var (
	// badText is the 400 page saying what is wrong with the text (both
	// languages name the NUL character).
	badText  expectation = func(c int, page string) bool { return c == 400 && strings.Contains(page, "NUL") }
	any4xx   expectation = func(c int, _ string) bool { return c >= 400 && c < 500 }
	anyCode  expectation = func(int, string) bool { return true }
	refused  expectation = func(c int, _ string) bool { return c == 400 }
	formBack expectation = func(c int, _ string) bool { return c == 422 }
	// notFound is a page that does not exist, as a list answers a cursor
	// that none of its pages wrote.
	notFound expectation = func(c int, _ string) bool { return c == 404 }
)

func (pr *prober) send(path string, form url.Values, multi bool) (int, string) {
	if pr.method == "GET" {
		return pr.v.get(path + "?" + form.Encode())
	}
	return pr.v.post(path, form, multi)
}

// expect sends the request: its answer must be what want allows, and a
// refusal must have written nothing.
func (pr *prober) expect(what string, want expectation, path string, form url.Values, multi bool) {
	pr.t.Helper()
	before := pr.snapshot()
	code, page := pr.send(path, form, multi)
	if code >= 500 || !want(code, page) {
		pr.t.Errorf("%s: %d %s", what, code, excerpt(page))
		return
	}
	if ch := changed(before, pr.snapshot()); code >= 400 && len(ch) > 0 {
		pr.t.Errorf("%s: refused (%d) but wrote %v", what, code, ch)
	}
}

// with is an accepted form with field set to value.
func (pr *prober) with(field, value string) url.Values {
	in := url.Values{}
	if pr.form != nil {
		pr.n++
		in = pr.form(pr.n)
	}
	if field != "" {
		in.Set(field, value)
	}
	return in
}

// texts: NUL and bytes that are not UTF-8 in every text field (and in one
// the route does not read), urlencoded and multipart, and in the path.
func (pr *prober) texts() {
	for name, bad := range badTexts {
		for _, f := range append([]string{"zz"}, pr.text...) {
			pr.expect(fmt.Sprintf("%s in %s", name, f), badText, pr.path, pr.with(f, bad), false)
			if pr.method == "POST" {
				pr.expect(fmt.Sprintf("%s in %s (multipart)", name, f), badText, pr.path, pr.with(f, bad), true)
			}
		}
		for _, seg := range paramRE.FindAllStringSubmatch(pr.pattern, -1) {
			pr.expect(name+" in :"+seg[1], badText, withParam(pr.pattern, pr.path, seg[1], url.PathEscape(bad)), pr.with("", ""), false)
		}
	}
}

// params: a parameter of the path too long, and ids that no item has.
func (pr *prober) params() {
	for _, seg := range paramRE.FindAllStringSubmatch(pr.pattern, -1) {
		long := strings.Repeat("x", 5000)
		pr.expect("long :"+seg[1], anyCode, withParam(pr.pattern, pr.path, seg[1], long), pr.with("", ""), false)
		if seg[2] == "" && !strings.HasSuffix(seg[1], "id") {
			continue
		}
		for _, id := range badIDs {
			pr.expect(":"+seg[1]+" = "+id, any4xx, withParam(pr.pattern, pr.path, seg[1], id), pr.with("", ""), false)
		}
	}
}

// values: ids and numbers out of range in fields, positions out of range,
// dates out of the calendar.
func (pr *prober) values() {
	for _, f := range pr.ids {
		for _, id := range badIDs {
			pr.expect(f+" = "+id, anyCode, pr.path, pr.with(f, id), false)
		}
	}
	if pr.cursor != "" {
		for _, c := range badCursors() {
			pr.expect("cursor "+c, notFound, pr.path, pr.with(pr.cursor, c), false)
		}
	}
	for _, f := range pr.times {
		for _, at := range []string{"0000-01-01T00:00", "0001-01-01T00:00", "9999-12-31T23:59", "10000-01-01T00:00", "2026-13-45T25:61"} {
			pr.expect(f+" = "+at, anyCode, pr.path, pr.with(f, at), false)
		}
	}
}

// lengths: one character more than the column allows is refused with the
// form; as many as it allows are accepted.
func (pr *prober) lengths() {
	for f, n := range pr.long {
		pr.expect(fmt.Sprintf("%s of %d characters", f, n+1), formBack, pr.path, pr.with(f, longText(f, n+1)), false)
		at := longText(f, n)
		if slices.Contains(pr.rich, f) { // the form counts the bytes of the HTML kept
			at = strings.Repeat("a", n-100)
		}
		if code, page := pr.send(pr.path, pr.with(f, at), false); code >= 400 {
			pr.t.Errorf("%s of %d characters (as many as allowed): %d %s", f, n, code, excerpt(page))
		}
	}
}

// uploads: files under a name too long and with a NUL, and bad contents.
func (pr *prober) uploads() {
	if pr.upload == "" {
		return
	}
	files := pr.files
	if files == nil {
		files = [][]byte{pngImage()}
	}
	for i, data := range files {
		before := pr.snapshot()
		code, page := pr.v.upload(pr.path, pr.upload, strings.Repeat("à", 300)+"\x00.png", data)
		if code >= 500 {
			pr.t.Errorf("upload %d: %d %s", i, code, excerpt(page))
		} else if ch := changed(before, pr.snapshot()); code >= 400 && len(ch) > 0 {
			pr.t.Errorf("upload %d: refused (%d) but wrote %v", i, code, ch)
		}
	}
}

// longText is a value of n characters for the field: an e-mail address
// (of labels short enough to be one) for addresses, accented letters (two
// bytes each) for the rest.
func longText(field string, n int) string {
	if !strings.Contains(field, "email") {
		return strings.Repeat("à", n)
	}
	host := []byte(strings.Repeat("b", n-len("a@.org")))
	for i := 40; i < len(host)-1; i += 41 {
		host[i] = '.'
	}
	return "a@" + string(host) + ".org"
}

// pngImage is a small picture.
func pngImage() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// withParam is path with the pattern's parameter name replaced by value.
func withParam(pattern, path, name, value string) string {
	ps, qs := strings.Split(pattern, "/"), strings.Split(path, "/")
	for i, seg := range ps {
		if strings.HasPrefix(seg, ":"+name) && i < len(qs) {
			qs[i] = value
		}
	}
	return strings.Join(qs, "/")
}

func excerpt(body string) string {
	if m := regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>.*?<p[^>]*>(.*?)</p>`).FindStringSubmatch(body); m != nil {
		return strings.TrimSpace(m[1]) + ": " + strings.TrimSpace(m[2])
	}
	if len(body) > 200 {
		return body[:200]
	}
	return body
}
