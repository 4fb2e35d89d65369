package community

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/showcase"
	"github.com/piazza-pa/piazza/tenant"
)

// OpenCommunities lists, for the guest home, a few of the site's open
// communities, those with the most members first: what a guest may see of
// communities (active, not closed: the list's rules, in the query), open
// ones only. The list is kept per replica until the tenant's data changes.
func (m *Module) OpenCommunities(ctx context.Context, limit int) ([]showcase.Card, error) {
	key := "community:open:" + strconv.Itoa(limit)
	return tenant.Cached(ctx, m.Cache, key, func() ([]showcase.Card, time.Time, error) {
		var cs []Community
		err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return selectFor(tx, Viewer{}, &cs).Where("c.state = 'active' AND c.kind = ?", Open).
				OrderExpr("members DESC, lower(c.name), c.id").Limit(int64(limit)).Scan(ctx)
		})
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("open communities: %w", err)
		}
		out := make([]showcase.Card, 0, len(cs))
		for _, c := range cs {
			out = append(out, showcase.Card{Title: c.Name, Summary: c.Description, URL: "/communities/" + strconv.FormatInt(c.ID, 10),
				Members: c.Members, Themes: c.Themes})
		}
		return out, time.Now().Add(time.Hour), nil
	})
}
