// Package search is what the modules share for full-text search: the text
// search configuration of an item's language, the query, and snippets with
// the matched words highlighted. Each module searches its own tables, with
// its visibility rules inside the same query, and the search page merges
// their hits by rank.
package search

import (
	"html"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Hit is one result.
type Hit struct {
	// Kind is the message key of what it is ("search.kind.news" …).
	Kind    string
	Title   string
	URL     string
	Snippet template.HTML
	Rank    float64
	At      time.Time
}

// Config is the SQL expression of the text search configuration for a
// language column: italian, english, else simple.
func Config(column string) string {
	return "(CASE " + column + " WHEN 'it' THEN 'italian' WHEN 'en' THEN 'english' ELSE 'simple' END)::regconfig"
}

// The markers ts_headline puts around matched words: control characters
// that no stored text contains (see Snippet).
const (
	startMark = "\x02"
	stopMark  = "\x03"
)

// HeadlineOptions are ts_headline's options for Snippet.
const HeadlineOptions = "StartSel=\x02, StopSel=\x03, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \""

// Snippet turns ts_headline's output into safe HTML: the text escaped, the
// matched words in <mark>. Markers typed by users are dropped first.
func Snippet(s string) template.HTML {
	s = html.EscapeString(s)
	s = strings.ReplaceAll(s, startMark, "<mark>")
	s = strings.ReplaceAll(s, stopMark, "</mark>")
	return template.HTML(s) // #nosec: escaped above; only our markers become tags
}

// Clean drops the characters that Snippet reserves from text to be stored
// or searched.
func Clean(s string) string {
	return strings.NewReplacer(startMark, "", stopMark, "").Replace(s)
}

// Merge orders hits by rank, newest first among equals, keeping at most max.
func Merge(max int, lists ...[]Hit) []Hit {
	var all []Hit
	for _, l := range lists {
		all = append(all, l...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Rank != all[j].Rank {
			return all[i].Rank > all[j].Rank
		}
		return all[i].At.After(all[j].At)
	})
	if len(all) > max {
		all = all[:max]
	}
	return all
}

// Row is what a module's search query selects: the item's id and title,
// its date, the rank and the raw snippet (ts_headline with
// HeadlineOptions).
type Row struct {
	ID      int64     `bun:"id"`
	Title   string    `bun:"title"`
	At      time.Time `bun:"at"`
	Rank    float64   `bun:"rank"`
	Snippet string    `bun:"snippet"`
}

// Hits turns a module's rows into hits of kind (a message key) at
// prefix + id.
func Hits(kind, prefix string, rows []Row) []Hit {
	hits := make([]Hit, 0, len(rows))
	for _, r := range rows {
		hits = append(hits, Hit{Kind: kind, Title: r.Title, URL: prefix + strconv.FormatInt(r.ID, 10),
			Snippet: Snippet(r.Snippet), Rank: r.Rank, At: r.At})
	}
	return hits
}
