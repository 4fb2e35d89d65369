// Package keysettest walks, in tests, the pages of a list as a visitor
// does: from the first page along its "next" links, checking that no page
// shows more than a page's rows and that every page after the first links
// back to it.
package keysettest

import (
	"html"
	"regexp"
	"testing"

	"github.com/piazza-pa/piazza/platform/keyset"
)

// Getter reads a page: its status and body.
type Getter interface {
	Get(u string) (int, string)
}

var nextRE = regexp.MustCompile(`href="([^"]+)" id="more"`)

// Walk reads the list at site+path with b, page after page, and returns
// what row (the first group of row, matched on each page) found, in order.
// between runs after each page is read, before the next (nil: nothing),
// with the number of pages read so far.
func Walk(t *testing.T, b Getter, site, path string, row *regexp.Regexp, between func(pages int)) []string {
	t.Helper()
	return WalkSize(t, b, site, path, row, keyset.Size, between)
}

// WalkSize is Walk over a list whose pages show size rows.
func WalkSize(t *testing.T, b Getter, site, path string, row *regexp.Regexp, size int, between func(pages int)) []string {
	t.Helper()
	var seen []string
	next := path
	for pages := 0; next != ""; pages++ {
		if pages > 200 {
			t.Fatalf("%s does not end", path)
		}
		code, page := b.Get(site + next)
		if code != 200 {
			t.Fatalf("%s: %d", next, code)
		}
		rows := row.FindAllStringSubmatch(page, -1)
		if len(rows) > size {
			t.Errorf("%s shows %d rows, more than a page's %d", next, len(rows), size)
		}
		for _, m := range rows {
			seen = append(seen, html.UnescapeString(m[1]))
		}
		if pages > 0 && !regexp.MustCompile(`id="first-page"`).MatchString(page) {
			t.Errorf("%s does not link back to the first page", next)
		}
		if between != nil {
			between(pages + 1)
		}
		next = ""
		if m := nextRE.FindStringSubmatch(page); m != nil {
			next = html.UnescapeString(m[1])
		}
	}
	return seen
}

// Once reports the names of want that seen holds other than once, and
// those of seen that want does not hold, apart from those extra allows.
func Once(seen, want []string, extra func(string) bool) (missing, repeated, unexpected []string) {
	count := map[string]int{}
	for _, s := range seen {
		count[s]++
	}
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w] = true
		if count[w] == 0 {
			missing = append(missing, w)
		}
	}
	for s, n := range count {
		if n > 1 {
			repeated = append(repeated, s)
		}
		if !wanted[s] && (extra == nil || !extra(s)) {
			unexpected = append(unexpected, s)
		}
	}
	return missing, repeated, unexpected
}
