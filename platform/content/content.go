// Package content is the kit every content type shares: the common part of
// an item's row (Base), its store (scoped queries, publication and its
// announcement), its service (each read and action in one of the tenant's
// transactions, what was published dispatched once committed), its list,
// page, form and workflow handlers on the page skeleton (platform/screen),
// and what it offers the dashboard, search, communities, comments and
// attachments.
// A content type defines only what is its own (Type) and builds its kit
// with New.
package content

import (
	"time"

	"github.com/piazza-pa/piazza/platform/scope"
)

// Base is the common part of a content item (columns of the same names).
type Base struct {
	ID          int64      `bun:"id,pk,autoincrement"`
	Title       string     `bun:"title"`
	Body        string     `bun:"body"`
	Language    string     `bun:"language"`
	State       string     `bun:"state"`
	AuthorID    *int64     `bun:"author_id"`
	PublishedAt *time.Time `bun:"published_at"`
	CreatedAt   time.Time  `bun:"created_at,nullzero,default:now()"`
	UpdatedAt   time.Time  `bun:"updated_at,nullzero,default:now()"`
	scope.Scope

	AuthorName string `bun:"author_name,scanonly"`
}

// Content is the common part of the item that embeds b (see Entry).
func (b *Base) Content() *Base { return b }

// Author is the author's id (0 when unknown).
func (b *Base) Author() int64 {
	if b.AuthorID == nil {
		return 0
	}
	return *b.AuthorID
}

// When is the date to show: publication, else creation.
func (b *Base) When() time.Time {
	if b.PublishedAt != nil {
		return *b.PublishedAt
	}
	return b.CreatedAt
}
