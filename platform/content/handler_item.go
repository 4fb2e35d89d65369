package content

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// Mount registers the type's pages under its path and returns their group
// for the type's own: reading is open to guests (what their scope shows
// them), writing to members; editing when the type has Update.
func (k *Kit[T, P]) Mount(r fiber.Router) fiber.Router {
	g := r.Group(k.Path)
	g.Get("/", k.list)
	g.Get("/new", auth.RequireMember, k.newForm)
	g.Post("/", auth.RequireMember, k.create)
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
}

func (k *Kit[T, P]) list(c *fiber.Ctx) error {
	v := ListView[T]{Page: k.Page(c), Member: auth.UserFromContext(c.UserContext()) != nil}
	err := k.Tx(c, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v.Items, err = k.List(ctx, tx, k.ViewerOf(ctx), 100)
		return err
	})
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, k.pages["list.html"], v)
}

// ShowView is the data of an item's page.
type ShowView[P any] struct {
	web.Page
	Item     P
	Comments comment.Thread
	Files    attachment.Box
	Actions  []workflow.Transition
	History  []workflow.Step
	// Edit: the member may edit the item (and attach files to it).
	Edit           bool
	Message, Error string
	// Detail is the type's part of the page (Type.Detail).
	Detail any
}

func (k *Kit[T, P]) show(c *fiber.Ctx) error { return k.ShowItem(c, fiber.StatusOK) }

// ShowItem shows the page of the item of the request's :id with status
// (web.ItemPage).
func (k *Kit[T, P]) ShowItem(c *fiber.Ctx, status int) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	v := ShowView[P]{Page: k.Page(c)}
	if key := web.Outcome(c.Query("done"), k.Key+".done"); key != "" {
		v.Message = v.L.T(key)
	}
	if err := k.Tx(c, func(ctx context.Context, tx bun.Tx) error { return k.fillShow(ctx, tx, id, &v) }); err != nil {
		return err
	}
	v.Comments.L, v.Comments.CSRF = v.L, v.CSRF
	v.Comments.Refused(c)
	v.Files.L, v.Files.CSRF = v.L, v.CSRF
	v.Files.Refused(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, status, k.pages["show.html"], v)
}

// fillShow loads item id and what its viewer sees around it: its details,
// files and comments, and, for a member, what they may do to it and its
// history when they wrote it or decide on it.
func (k *Kit[T, P]) fillShow(ctx context.Context, tx bun.IDB, id int64, v *ShowView[P]) error {
	vw := k.ViewerOf(ctx)
	p, err := k.Get(ctx, tx, vw, id)
	if err != nil {
		return err
	}
	v.Item = p
	if k.Detail != nil {
		if v.Detail, err = k.Detail(ctx, tx, vw, p); err != nil {
			return err
		}
	}
	b := p.Content()
	files, err := attachment.List(ctx, tx, k.Name, b.ID)
	if err != nil {
		return err
	}
	v.Files = attachment.Box{Type: k.Name, ItemID: b.ID, Files: files}
	var may workflow.Guard = func(string) bool { return false }
	if uid := vw.UserID; uid > 0 {
		if may, err = k.GuardOf(ctx, tx, p, uid); err != nil {
			return err
		}
		v.Edit = k.MayEdit(p, uid, may)
		v.Files.Upload = v.Edit
		if v.Actions, err = workflow.Available(ctx, tx, k.Name, b.State, may); err != nil {
			return err
		}
		if b.Author() == uid || may("validate") || may("publish") {
			if v.History, err = workflow.History(ctx, tx, k.Item(p)); err != nil {
				return err
			}
		}
	}
	moderate := vw.UserID > 0 && may("validate")
	cs, err := comment.List(ctx, tx, k.Name, b.ID, vw.UserID, moderate)
	v.Comments = comment.Thread{Type: k.Name, ItemID: b.ID, Comments: cs, Open: k.Open(p),
		Member: vw.UserID > 0, Moderate: moderate, Viewer: vw.UserID}
	return err
}

// transition takes a workflow action on an item the member sees.
func (k *Kit[T, P]) transition(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	err := k.Announcing(c, func(ctx context.Context, tx bun.Tx) error {
		p, vw, may, err := k.Acting(ctx, tx, id)
		if err != nil {
			return err
		}
		tr, err := workflow.Apply(ctx, tx, k.Item(p), c.Params("action"), vw.UserID, strings.TrimSpace(c.FormValue("note")), may)
		if err == nil && tr.To == workflow.Published {
			err = k.published(ctx, tx, id)
		}
		return err
	})
	if err != nil {
		return err
	}
	return web.Done(c, k.URL(id)+"?done=1", k.Shell.I18n.FromContext(c.UserContext()).T(k.Key+".done"))
}
