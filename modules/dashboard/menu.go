package dashboard

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// menuCap is the most tasks the menu counts: past it, it shows "9+".
const menuCap = 9

// MenuEntries offers "my activities" to the member's menu with the number
// of things waiting for them. The count is kept in the tenant's cache
// (dropped whenever the tenant's data changes), so a page view costs no
// query while it holds; it reads at most menuCap+1 tasks of each source.
func (m *Module) MenuEntries(c *fiber.Ctx) []web.MenuLink {
	ctx := c.UserContext()
	u := auth.UserFromContext(ctx)
	if u == nil || tenant.FromContext(ctx) == nil {
		return nil
	}
	link := web.MenuLink{Label: "shell.menu.activities", URL: "/dashboard/inbox", Rank: 20}
	n, err := tenant.Cached(ctx, m.Cache, "inbox-count:"+strconv.FormatInt(u.ID, 10), func() (int, time.Time, error) {
		n, err := m.waiting(ctx, u.ID)
		return n, time.Now().Add(time.Hour), err
	})
	if err != nil { // the menu still leads to the inbox, without a number
		return []web.MenuLink{link}
	}
	link.Count, link.More = min(n, menuCap), n > menuCap
	return []web.MenuLink{link}
}

// waiting counts the member's tasks, up to one more than menuCap.
func (m *Module) waiting(ctx context.Context, uid int64) (int, error) {
	var n int
	err := tenant.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		ts, err := m.tasks(ctx, tx, uid, menuCap+1)
		n = len(ts)
		return err
	})
	return n, err
}
