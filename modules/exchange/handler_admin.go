package exchange

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/exchange/share"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

type adminView struct {
	web.Page
	// Member is the tenant's membership (nil: it does not take part).
	Member  *membership
	Shared  int
	Message string
}

// adminPage is the tenant admin's page of the exchange: whether the tenant
// takes part, since when, and the form that opts it in or out.
func (m *Module) adminPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t := tenant.FromContext(ctx)
	v := adminView{Page: m.Page(c)}
	var err error
	if v.Member, err = member(ctx, m.DB, t.ID); err != nil {
		return err
	}
	err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Table("exchange_shares").ColumnExpr("count(*)").Scan(ctx, &v.Shared)
	})
	if err != nil {
		return err
	}
	switch c.Query("done") {
	case "in", "out":
		v.Message = m.T(c, "exchange.admin.done_"+c.Query("done"))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, fiber.StatusOK, "admin.html", v)
}

// adminPost opts the tenant in (action "join") or out (any other): out,
// its snapshots leave the exchange in the same transaction; in again, every
// item it still shares is copied anew. Either is written to the audit
// trail.
func (m *Module) adminPost(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t, u := tenant.FromContext(ctx), auth.UserFromContext(ctx)
	var changed bool
	var err error
	done := "out"
	if c.FormValue("action") == "join" {
		done = "in"
		if changed, err = join(ctx, m.DB, t.ID, u.Subject()); err == nil && changed {
			err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error { return share.All(ctx, tx) })
		}
	} else {
		changed, err = optOut(ctx, m.DB, t.ID)
	}
	if err != nil {
		return err
	}
	m.cache.Forget(t.SchemaName)
	share.Forget(t)
	if changed {
		if err := m.record(c, t, "exchange."+map[string]string{"in": "join", "out": "leave"}[done], nil); err != nil {
			return err
		}
		share.Kick(ctx, m.queue, t.Slug)
	}
	return redirect.To(c, "/admin/exchange?done="+done)
}
