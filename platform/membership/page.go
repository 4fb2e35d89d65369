package membership

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Shown is a page of a group's people, as its page lists them: filtered
// by name when the list is long.
type Shown[T any] struct {
	List []T
	// Who filters the people by name; Total is how many match.
	Who   string
	Total int
	// Prev and Next are the links to the pages around ("" for none).
	Prev, Next string
	// Filter: the list is long enough to offer the filter.
	Filter bool
}

// PageOf is page n (from 1) of people, per to a page, keeping those whose
// name holds who (in any case); the links to the pages around go to base
// (the group's page) and its anchor.
func PageOf[T any](people []T, name func(T) string, who string, n, per int, base, anchor string) Shown[T] {
	p := Shown[T]{Who: strings.TrimSpace(who), Filter: len(people) > per}
	if p.Who != "" {
		p.Filter = true
		needle := strings.ToLower(p.Who)
		people = slices.DeleteFunc(slices.Clone(people), func(x T) bool { return !strings.Contains(strings.ToLower(name(x)), needle) })
	}
	p.Total = len(people)
	last := max(1, (len(people)+per-1)/per)
	n = min(max(n, 1), last)
	p.List = people[(n-1)*per : min(n*per, len(people))]
	link := func(page int) string {
		q := url.Values{"page": {strconv.Itoa(page)}}
		if p.Who != "" {
			q.Set("who", p.Who)
		}
		return base + "?" + q.Encode() + "#" + anchor
	}
	if n > 1 {
		p.Prev = link(n - 1)
	}
	if n < last {
		p.Next = link(n + 1)
	}
	return p
}
