// Package match finds who could be interested in an item (a
// collaboration proposal): the tenant's people and organisations ranked
// by the themes, tags and competencies they share with it and by how the
// text of their profile matches its words, each with the reasons, which
// Explain turns into sentences; the partial "match" lists them with an
// invitation button.
//
// The ranking is bounded at a region's volumes: the item's words looked
// for are its rarest (the tables' statistics say how rare), each source
// of candidates goes through a GIN index with a limit, the candidates are
// ranked in one query and at most the limit asked leaves the database.
package match

import (
	"context"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
)

// The kinds of suggestion.
const (
	Person       = "person"
	Organization = "organization"
)

// Query is the item that people and organisations are matched with.
type Query struct {
	// Themes are theme keys, Tags tag ids of the item.
	Themes []string
	Tags   []int64
	// Text is the item's plain text (title, summary, description), in
	// Language ("it", "en"; "" when unknown), whose stop words are left
	// out and whose stems find other forms of a word.
	Text, Language string
	// ExcludeUsers and ExcludeOrganizations are already involved (the
	// proposer, the respondents, their organisations): never suggested.
	ExcludeUsers, ExcludeOrganizations []int64
}

// Reasons say why a suggestion fits the item.
type Reasons struct {
	// Themes are the theme keys in common, in the item's order.
	Themes []string `bun:"themes,array"`
	// Tags are the names of the tags in common.
	Tags []string `bun:"tags,array"`
	// Competencies are the competencies, as written, holding one of the
	// item's words.
	Competencies []string `bun:"competencies,array"`
	// Words are the item's words found in the rest of the text (a bio, an
	// organisation's name or description), as the text holds them (at
	// most five).
	Words []string `bun:"words,array"`
}

// Suggestion is a person or an organisation that could be interested.
type Suggestion struct {
	// Kind is Person or Organization; ID the user's or the
	// organisation's id.
	Kind  string  `bun:"kind"`
	ID    int64   `bun:"id"`
	Name  string  `bun:"name"`
	Score float64 `bun:"score"`
	Reasons
	// Invited is the caller's: the list shows that they were invited
	// instead of the button.
	Invited bool `bun:"-"`
}

// URL is the suggestion's page.
func (s Suggestion) URL() string {
	if s.Kind == Organization {
		return "/organizations/" + strconv.FormatInt(s.ID, 10)
	}
	return "/people/" + strconv.FormatInt(s.ID, 10)
}

// Why is the suggestion's explanation (Explain of its reasons).
func (s Suggestion) Why() []Phrase { return Explain(s.Reasons) }

// Suggest returns the people and organisations of the tenant of tx that
// could be interested in q, best first, at most limit (up to 100): people
// with an active account whose profile the directory shows (validated,
// when the tenant validates profiles), validated organisations, none of
// those q excludes. Nobody fits an item with no themes, tags or words.
func Suggest(ctx context.Context, tx bun.IDB, q Query, limit int) ([]Suggestion, error) {
	limit = min(limit, perSource)
	if limit <= 0 {
		return nil, nil
	}
	ts, err := distinctive(ctx, tx, q.Text, q.Language)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 && len(q.Themes) == 0 && len(q.Tags) == 0 {
		return nil, nil
	}
	var out []Suggestion
	l := looking{words: len(ts) > 0, tags: len(q.Tags) > 0, themes: len(q.Themes) > 0, manyThemes: len(q.Themes) >= fewShareAll}
	args := db.Prepared(tx, tsquery(ts), l.words, nonNil(q.Themes), nonNil(q.Tags), nonNil(q.ExcludeUsers),
		nonNil(q.ExcludeOrganizations), perSource, limit, nonNil(patterns(ts)))
	err = tx.NewRaw(rankSQLs[l]).Conn(args).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	return out, nil
}

// nonNil is l, empty for nil: an array parameter is never NULL.
func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
