package search

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/scope"
	platformsearch "github.com/piazza-pa/piazza/platform/search"
	"github.com/piazza-pa/piazza/tenant"
)

// PageSize is how many hits a page of results shows.
const PageSize = 20

// Results is a page of results and the cursor of the next one ("" for
// none).
type Results struct {
	Hits []platformsearch.Hit
	Next string
}

// Find returns the page of results of words after cur that the member of
// ctx (a guest: public items only) may see, in one tenant transaction:
// every source ranks and cuts its own matches in SQL, at most a page and
// one more after cur, all in one prepared statement (its plan written for
// how common the words are in each source, search.Prepare; a second one
// for the sources whose walk of their newest rows came back short); the best of
// them make the page; and only the hits shown get snippets, in a second
// statement.
func (m *Module) Find(ctx context.Context, words string, cur platformsearch.Cursor) (Results, error) {
	var uid int64
	if u := auth.UserFromContext(ctx); u != nil {
		uid = u.ID
	}
	var res Results
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ctx, err := scope.Preload(ctx, tx, uid) // one lookup of memberships for every content source
		if err != nil {
			return err
		}
		plan, err := platformsearch.Prepare(ctx, tx, words)
		if err != nil {
			return err
		}
		sources := tenant.Offered(ctx, m.Sources)
		q := platformsearch.Query{Words: words, After: cur, Limit: PageSize + 1, Plan: plan}
		hits, parts, err := platformsearch.Run(ctx, tx, q, func(q platformsearch.Query) ([]*platformsearch.Part, error) {
			parts := make([]*platformsearch.Part, 0, len(sources))
			for _, s := range sources {
				p, err := s.Search(ctx, tx, q, uid)
				if err != nil {
					return nil, err
				}
				parts = append(parts, p)
			}
			return parts, nil
		})
		if err != nil {
			return err
		}
		if len(hits) > PageSize {
			hits = hits[:PageSize]
			res.Next = platformsearch.At(hits[PageSize-1]).Encode(words)
		}
		res.Hits = hits
		return platformsearch.Snippets(ctx, tx, words, hits, parts...)
	})
	return res, err
}
