package dashboard

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

type inboxView struct {
	web.Page
	Tasks []feed.Task
}

// Waiting is how many things wait for the member, as the tabs show it.
func (v inboxView) Waiting() string { return countLabel(len(v.Tasks)) }

func (m *Module) inbox(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := inboxView{Page: m.PageFor(c, tenant.FromContext(ctx).Name)}
	var err error
	if v.Tasks, err = m.readInbox(ctx, auth.UserFromContext(ctx).ID, InboxSize); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, m.pages["inbox.html"], v)
}
