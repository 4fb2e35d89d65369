package search

import (
	"context"
	"slices"

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

// found is a hit and the module it comes from.
type found struct {
	hit platformsearch.Hit
	src Source
}

// Find returns the page of results of words after cur that the member of
// ctx (a guest: public items only) may see, in one tenant transaction:
// every source ranks and cuts its own matches in SQL, at most a page and
// one more after cur; the best of them make the page; and only the hits
// shown get snippets.
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
		all, err := m.ranked(ctx, tx, platformsearch.Query{Words: words, After: cur, Limit: PageSize + 1}, uid)
		if err != nil {
			return err
		}
		if len(all) > PageSize {
			all = all[:PageSize]
			res.Next = platformsearch.At(all[PageSize-1].hit).Encode(words)
		}
		if err := snippets(ctx, tx, words, all); err != nil {
			return err
		}
		for _, f := range all {
			res.Hits = append(res.Hits, f.hit)
		}
		return nil
	})
	return res, err
}

// ranked is every source's best hits of q, merged in the order of results.
func (m *Module) ranked(ctx context.Context, tx bun.IDB, q platformsearch.Query, uid int64) ([]found, error) {
	var all []found
	for _, s := range tenant.Offered(ctx, m.Sources) {
		hits, err := s.Search(ctx, tx, q, uid)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			all = append(all, found{hit: h, src: s})
		}
	}
	slices.SortStableFunc(all, func(a, b found) int { return platformsearch.Compare(a.hit, b.hit) })
	return all, nil
}

// snippets fills the snippets of the hits fs, one query per source.
func snippets(ctx context.Context, tx bun.IDB, words string, fs []found) error {
	ids := map[Source][]int64{}
	var order []Source
	for _, f := range fs {
		if _, seen := ids[f.src]; !seen {
			order = append(order, f.src)
		}
		ids[f.src] = append(ids[f.src], f.hit.ID)
	}
	for _, s := range order {
		got, err := s.Snippets(ctx, tx, words, ids[s])
		if err != nil {
			return err
		}
		for i := range fs {
			if fs[i].src == s {
				fs[i].hit.Snippet = got[fs[i].hit.ID]
			}
		}
	}
	return nil
}
