// Package showcase is what modules show of themselves outside their own
// pages, to visitors who are not signed in (the guest home): a few cards
// each, drawn from what a guest may see.
package showcase

import "time"

// Card is one thing shown: a news item, a community …
type Card struct {
	Title, Summary string
	// URL is the address of its page on the site.
	URL string
	// Image is the address of its picture ("" for none), Category a word
	// of the author's about it ("" for none).
	Image, Category string
	// At is its date (zero for none).
	At time.Time
	// Members is how many people take part (communities), Themes the keys
	// of its S3 themes.
	Members int
	Themes  []string
}
