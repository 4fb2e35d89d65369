package dashboard

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// pendingLocal holds what waits for the member when the page has read it.
const pendingLocal = "dashboard.pending"

// pendingOf is what waits for uid, read once for the request c (the
// menu's count and the dashboard's).
func (m *Module) pendingOf(c *fiber.Ctx, uid int64) ([]feed.Task, error) {
	if ts, ok := c.Locals(pendingLocal).([]feed.Task); ok {
		return ts, nil
	}
	ts, err := m.pending(c.UserContext(), uid)
	if err == nil {
		c.Locals(pendingLocal, ts)
	}
	return ts, err
}

// MenuEntries offers "my activities" to the member's menu with the number
// of things waiting for them, as the dashboard's tab counts it (pending:
// kept per replica until the tenant's data changes, so a page view costs
// no query while it holds; "99+" past MaxWaiting-1).
func (m *Module) MenuEntries(c *fiber.Ctx) []web.MenuLink {
	ctx := c.UserContext()
	u := auth.UserFromContext(ctx)
	if u == nil || tenant.FromContext(ctx) == nil {
		return nil
	}
	link := web.MenuLink{Label: "shell.menu.activities", URL: "/dashboard/inbox", Rank: 20}
	ts, err := m.pendingOf(c, u.ID)
	if err != nil { // the menu still leads to the inbox, without a number
		return []web.MenuLink{link}
	}
	link.Count, link.More = min(len(ts), MaxWaiting-1), len(ts) >= MaxWaiting
	return []web.MenuLink{link}
}
