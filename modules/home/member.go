package home

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/web"
)

// How much the member's home shows of their dashboard.
const (
	memberNews    = 5
	memberWaiting = 3
)

// memberView is the home page of a signed-in member.
type memberView struct {
	web.Page
	// ShowDigest: the dashboard is on (else the page has only its title).
	ShowDigest bool
	News       []feed.Entry
	Waiting    []feed.Task
	// Count is how many things wait in all ("3", "99+").
	Count string
}

func (m *Module) showMember(c *fiber.Ctx, p web.Page, uid int64) error {
	ctx := c.UserContext()
	v := memberView{Page: p, ShowDigest: on(c, m.digest)}
	if v.ShowDigest {
		var err error
		if v.News, err = m.digest.Latest(ctx, uid, memberNews); err != nil {
			return err
		}
		if v.Waiting, v.Count, err = m.digest.Waiting(ctx, uid, memberWaiting); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, m.pages["member.html"], v)
}
