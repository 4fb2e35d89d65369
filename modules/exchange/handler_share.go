package exchange

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/exchange/share"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/tenant"
)

// sharePost shares an item to the exchange (action "share") or withdraws
// it (any other), for who may: the item's author, or who may publish it.
// The outbox is written in the same transaction; the job that copies it
// is queued once committed (the sweep catches up if it is lost).
// An item the member does not see, may not share, or that may not be shown
// is 404, as is a type that shares nothing.
func (m *Module) sharePost(c *fiber.Ctx) error {
	ctx := c.UserContext()
	src, id := m.sources[c.Params("type")], screen.ParamID(c, "id")
	if src == nil {
		return ErrNotFound
	}
	on := c.FormValue("action") == "share"
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ok, err := src.ExchangeMayShare(ctx, tx, id)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		return share.Set(ctx, tx, src.ExchangeType(), id, auth.UserFromContext(ctx).ID, on)
	})
	if err != nil {
		return err
	}
	share.Kick(ctx, m.queue, tenant.FromContext(ctx).Slug)
	return redirect.To(c, src.URL(id))
}
