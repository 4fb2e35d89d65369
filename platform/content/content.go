// Package content is what every content type's row has in common: its id,
// title, body and language, its workflow state, author and dates, and its
// publication scope. Content types embed Base in their model.
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
