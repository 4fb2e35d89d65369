package api

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/site"
)

// kind is a content type the API lists: its kit, its filters (those its
// pages have, checked here so that a bad value is an error rather than
// ignored), and how an item shows.
type kind[T any, P content.Entry[T]] struct {
	kit     *content.Kit[T, P]
	filters []filter
	header  []string
	show    func(p P, url string) record
}

// contentList answers a page of the items of k that a guest sees, by the
// kit's own query and scope rules, narrowed by the kit's filters (its
// pages') and language and updated_since.
func contentList[T any, P content.Entry[T]](m *Module, c *fiber.Ctx, k kind[T, P]) error {
	ctx := m.guest(c.UserContext())
	if k.kit == nil || !offers(ctx, k.kit.Key) {
		return m.fail(c, errNotFound)
	}
	q, p := m.readList(c, k.kit.Name, append(k.filters, language, updatedSince))
	if p != nil {
		return m.fail(c, p)
	}
	shared := sharedWhere(c, k.kit.Alias)
	where := content.Where(shared)
	if k.kit.Filter != nil {
		_, own := k.kit.Filter(c)
		where = func(q *bun.SelectQuery) *bun.SelectQuery { return shared(own(q)) }
	}
	items, next, err := k.kit.ItemsWhere(ctx, q.cursor, q.limit, where)
	if err != nil {
		return m.answer(c, err)
	}
	rows := make([]record, 0, len(items))
	for i := range items {
		p := P(&items[i])
		rows = append(rows, k.show(p, site.RequestURL(c, m.scheme, k.kit.URL(p.Content().ID))))
	}
	return m.list(c, q, k.header, rows, next)
}

// contentShow answers the item of the path's id as a guest sees it (404
// when a guest does not see it: unpublished, not public, or none).
func contentShow[T any, P content.Entry[T]](m *Module, c *fiber.Ctx, k kind[T, P]) error {
	ctx := m.guest(c.UserContext())
	if k.kit == nil || !offers(ctx, k.kit.Key) {
		return m.fail(c, errNotFound)
	}
	id := screen.ParamID(c, "id")
	if id <= 0 {
		return m.fail(c, errNotFound)
	}
	var item P
	err := k.kit.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		item, err = k.kit.Get(ctx, tx, k.kit.ViewerOf(ctx), id)
		return err
	})
	if err != nil {
		return m.answer(c, err)
	}
	return c.JSON(k.show(item, site.RequestURL(c, m.scheme, k.kit.URL(id))))
}
