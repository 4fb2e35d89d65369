package content

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

// Mount registers the type's pages under its path and returns their group
// for the type's own: reading is open to guests (what their scope shows
// them), writing to members; writing new items when the type has Parse
// (imported types have none), editing when it has Update.
func (k *Kit[T, P]) Mount(r fiber.Router) fiber.Router {
	g := r.Group(k.Path)
	g.Get("/", k.list)
	if k.Parse != nil {
		g.Get("/new", auth.RequireMember, k.newForm)
		g.Post("/", auth.RequireMember, k.create)
	}
	g.Get("/:id<int>", k.show)
	if k.Update != nil {
		g.Get("/:id<int>/edit", auth.RequireMember, k.editForm)
		g.Post("/:id<int>/edit", auth.RequireMember, k.save)
	}
	g.Post("/:id<int>/do/:action", auth.RequireMember, k.transition)
	return g
}

// ListView is the data of the list page.
type ListView[T any] struct {
	web.Page
	Items  []T
	Member bool
	// Pager links the next page and the first (keyset-pager).
	Pager keyset.Pager
	// Filter are the list's filters (Type.Filter), for its form.
	Filter url.Values
}

// list shows a page of the items the viewer sees: the first, or the one
// after the cursor ?after= (404 for a cursor no page of the list wrote).
func (k *Kit[T, P]) list(c *fiber.Ctx) error {
	after := c.Query("after")
	cur, err := keyset.Decode(k.Name, after)
	if err != nil {
		return err
	}
	var keep url.Values
	var where Where
	if k.Filter != nil {
		keep, where = k.Filter(c)
	}
	items, next, err := k.rows(c.UserContext(), cur, keyset.Size, where)
	if err != nil {
		return err
	}
	v := ListView[T]{Page: k.Page(c), Items: items, Member: auth.UserFromContext(c.UserContext()) != nil, Filter: keep}
	v.Pager = keyset.Links(v.L, "content.list", k.Path, keep, after, next)
	return k.Render(c, fiber.StatusOK, "list.html", v)
}

// ShowView is the data of an item's page.
type ShowView[P any] struct {
	web.Page
	// Shown are the item and what its viewer sees around it (Item,
	// Comments, Files, Actions, History, Edit, Detail).
	Shown[P]
	Message, Error string
}

func (k *Kit[T, P]) show(c *fiber.Ctx) error { return k.ShowItem(c, fiber.StatusOK) }

// ShowItem shows the page of the item of the request's :id with status
// (web.ItemPage).
func (k *Kit[T, P]) ShowItem(c *fiber.Ctx, status int) error {
	shown, err := k.Read(c.UserContext(), screen.ParamID(c, "id"))
	if err != nil {
		return err
	}
	v := ShowView[P]{Page: k.Page(c), Shown: shown}
	if key := web.Outcome(c.Query("done"), k.Key+".done"); key != "" {
		v.Message = v.L.T(key)
	}
	v.Comments.L, v.Comments.CSRF = v.L, v.CSRF
	v.Comments.Refused(c)
	v.Files.L, v.Files.CSRF = v.L, v.CSRF
	v.Files.Refused(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return k.Render(c, status, "show.html", v)
}

// transition takes a workflow action on an item the member sees.
func (k *Kit[T, P]) transition(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	if err := k.Transition(c.UserContext(), id, c.Params("action"), strings.TrimSpace(c.FormValue("note"))); err != nil {
		return err
	}
	return web.Done(c, k.URL(id)+"?done=1", k.T(c, k.Key+".done"))
}
