package news

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/showcase"
	"github.com/piazza-pa/piazza/platform/site"
)

// PublicNews lists, for the guest home, the latest news a guest may read,
// newest first: the news list's rules for a guest (published, public,
// inside its publication window) run in the query.
func (m *Module) PublicNews(ctx context.Context, limit int) ([]showcase.Card, error) {
	var ns []News
	err := site.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		return selectFor(tx, scope.Viewer{}, &ns).Where("n.state = 'published'").
			OrderExpr(feedAt + " DESC, n.id DESC").Limit(int64(limit)).Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("public news: %w", err)
	}
	out := make([]showcase.Card, 0, len(ns))
	for _, n := range ns {
		out = append(out, showcase.Card{Title: n.Title, Summary: n.Summary, URL: m.URL(n.ID), Image: n.ImageURL(),
			Category: n.Category, At: n.FeedAt()})
	}
	return out, nil
}
