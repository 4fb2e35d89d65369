package keyset

import (
	"embed"
	"net/url"

	"github.com/piazza-pa/piazza/platform/i18n"
)

// Partials are the pager's template ("keyset-pager", drawn with a Pager),
// for the pages of the lists (screen.Partial).
//
//go:embed templates/pager.html
var Partials embed.FS

// Pattern is the file of Partials holding the pager.
const Pattern = "templates/pager.html"

// Pager is the links under a page of a list: to the next page and, from
// any page but the first, back to the first. They are plain links, which
// work without scripts.
type Pager struct {
	L *i18n.Localizer
	// Key prefixes the links' messages: Key.more (the next page), Key.first
	// (back to the first) and Key.pages (the links' landmark).
	Key string
	// Next and First are the addresses of those pages ("" for none).
	Next, First string
}

// Links is the pager of a page of the list at path whose filters are
// keep, at cursor cur ("" on the first page), whose next page starts at
// next ("" for none).
func Links(l *i18n.Localizer, key, path string, keep url.Values, cur, next string) Pager {
	p := Pager{L: l, Key: key}
	at := func(c string) string {
		q := url.Values{}
		for k, vs := range keep {
			for _, v := range vs {
				if v != "" {
					q.Add(k, v)
				}
			}
		}
		if c != "" {
			q.Set("after", c)
		}
		if len(q) == 0 {
			return path
		}
		return path + "?" + q.Encode()
	}
	if next != "" {
		p.Next = at(next)
	}
	if cur != "" {
		p.First = at("")
	}
	return p
}
