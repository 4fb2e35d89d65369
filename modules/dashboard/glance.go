package dashboard

import (
	"context"

	"github.com/piazza-pa/piazza/platform/feed"
)

// What the dashboard offers the signed-in home (home.Digest): the first
// entries of the member's feed and what waits for them, read from the same
// cached lists as the dashboard's pages, so the home adds no query while
// they hold.

// Latest is the first n entries of member uid's feed.
func (m *Module) Latest(ctx context.Context, uid int64, n int) ([]feed.Entry, error) {
	p, err := m.firstPage(ctx, uid)
	return p.Entries[:min(n, len(p.Entries))], err
}

// Waiting is the first n things waiting for uid's decision, oldest first,
// and how many wait in all as pages show it ("3", "99+").
func (m *Module) Waiting(ctx context.Context, uid int64, n int) ([]feed.Task, string, error) {
	ts, err := m.pending(ctx, uid)
	return ts[:min(n, len(ts))], countLabel(len(ts)), err
}
