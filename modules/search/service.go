package search

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	platformsearch "github.com/piazza-pa/piazza/platform/search"
)

// perSource and shown bound the work and the page.
const (
	perSource = 30
	shown     = 50
)

// Find returns the hits of q that the member of ctx (a guest: public items
// only) may see, merged by rank: every source searches its own tables, in
// one tenant transaction.
func (m *Module) Find(ctx context.Context, q string) ([]platformsearch.Hit, error) {
	var uid int64
	if u := auth.UserFromContext(ctx); u != nil {
		uid = u.ID
	}
	var lists [][]platformsearch.Hit
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, s := range m.Sources {
			hits, err := s.Search(ctx, tx, q, uid, perSource)
			if err != nil {
				return err
			}
			lists = append(lists, hits)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return platformsearch.Merge(shown, lists...), nil
}
