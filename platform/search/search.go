// Package search is what the modules share for full-text search: the
// words asked, the page of results (ordered by rank, then kind, then id,
// and paged by a cursor on that order), the query that ranks and limits a
// module's matches in SQL, and snippets with the matched words
// highlighted, built only for the hits a page shows. Each module searches
// its own tables, with its visibility rules inside the same query, and the
// search page merges their hits.
package search

import (
	"cmp"
	"html"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/piazza-pa/piazza/platform/db"
)

// Hit is one result.
type Hit struct {
	// Kind is the message key of what it is ("news.kind" …); with ID it
	// names the hit in the order of results.
	Kind    string
	ID      int64
	Title   string
	URL     string
	Snippet template.HTML
	Rank    float64
	At      time.Time
}

// Query is what a module is asked: the words (web search syntax), where
// the page starts, and how many hits at most; and how the statement is
// written (nil: with its values as literals, each source read through the
// index of its text).
type Query struct {
	Words string
	After Cursor
	Limit int
	Plan  *Plan
}

// Params are the parameters of the statement (nil: its values are
// literals): a source gives its visibility rules the viewer's values
// through them.
func (q Query) Params() *db.Params { return q.Plan.Params() }

// queries are the words and their queries as the statement writes them
// (see AnyLanguage): parameters of the plan, else SQL.
func (q Query) queries() []any {
	if q.Plan == nil {
		return Queries(q.Words)
	}
	return slices.Clone(q.Plan.args[:])
}

// The markers ts_headline puts around matched words: control characters
// that no stored text contains (see Snippet).
const (
	startMark = "\x02"
	stopMark  = "\x03"
)

// HeadlineOptions are ts_headline's options for Snippet.
const HeadlineOptions = "StartSel=\x02, StopSel=\x03, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \""

// Snippet turns ts_headline's output over plain text into safe HTML: the
// text escaped, the matched words in <mark>.
func Snippet(s string) template.HTML { return marked(s, nil) }

// SnippetOfHTML is Snippet for ts_headline's output over rich text (a part
// of stored HTML, whose tags ts_headline wrote as spaces): its character
// references read as the characters they stand for ("l&#39;idea" is
// "l'idea"), then escaped as any text.
func SnippetOfHTML(s string) template.HTML { return marked(s, html.UnescapeString) }

// marked escapes the text between the markers of s (read by read first,
// when not nil), the markers made <mark> and </mark>, always in pairs: a
// marker that a character reference writes is dropped.
func marked(s string, read func(string) string) template.HTML {
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.IndexAny(s, startMark+stopMark)
		text := s
		if i >= 0 {
			text = s[:i]
		}
		if read != nil {
			text = Clean(read(text))
		}
		b.WriteString(html.EscapeString(text))
		if i < 0 {
			break
		}
		switch {
		case s[i] == startMark[0] && !open:
			b.WriteString("<mark>")
			open = true
		case s[i] == stopMark[0] && open:
			b.WriteString("</mark>")
			open = false
		}
		s = s[i+1:]
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String()) // #nosec: escaped above; only our markers become tags, in pairs
}

// Clean drops the characters that Snippet reserves from text to be stored
// or searched.
func Clean(s string) string {
	return strings.NewReplacer(startMark, "", stopMark, "").Replace(s)
}

// Compare orders hits as results are ordered (negative when a comes
// first): higher rank first, then by kind, then newer id first — the
// order of Ranked and of Cursor.
func Compare(a, b Hit) int {
	if c := cmp.Compare(b.Rank, a.Rank); c != 0 {
		return c
	}
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	return cmp.Compare(b.ID, a.ID)
}
