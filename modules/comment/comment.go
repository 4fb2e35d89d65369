// Package comment is the routes of comments: writing one (or a reply) on an
// item the member may see and that is open, and moderating those waiting.
// Each content type that enables comments is a Target, which says who may
// see its items and who moderates them; the same check guards every route.
package comment

import (
	"context"
	"errors"
	"io/fs"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	platformcomment "github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// Item is what a Target says of one of its items to a member.
type Item struct {
	Title, URL string
	// Open: new comments are accepted; Moderate: the member moderates them.
	Open, Moderate bool
}

// Target is a content type whose items take comments. CommentTarget
// returns the item when uid may see it, else an error of kind not found.
type Target interface {
	CommentTarget(ctx context.Context, tx bun.IDB, id, uid int64) (Item, error)
}

// Deps are what the routes need: the targets by content type.
type Deps struct {
	DB      *bun.DB
	Shell   *web.Shell
	Targets map[string]Target
}

// Module is the comment routes.
type Module struct{ Deps }

// New returns the module.
func New(d Deps) *Module { return &Module{Deps: d} }

// Partials are the thread's templates (templates/*.html), for the pages
// of the content types that show comments.
func (m *Module) Partials() fs.FS { return platformcomment.Partials }

// Routes registers the actions, for members.
func (m *Module) Routes(r fiber.Router) {
	g := r.Group("/comments", auth.RequireMember)
	g.Post("/:type/:id<int>", m.add)
	g.Post("/:cid<int>/approve", m.moderate(true))
	g.Post("/:cid<int>/reject", m.moderate(false))
}

var errNotFound = platform.NewError(platform.ErrNotFound, "not found")

// ErrClosed is a comment on a closed item.
var ErrClosed = platform.NewKeyedError(platform.ErrConflict, "comment.error.closed", "closed to new comments")

func (m *Module) target(ctx context.Context, tx bun.IDB, typ string, id, uid int64) (Item, error) {
	t, ok := m.Targets[typ]
	if !ok {
		return Item{}, errNotFound
	}
	return t.CommentTarget(ctx, tx, id, uid)
}

func (m *Module) add(c *fiber.Ctx) error {
	uid := auth.UserFromContext(c.UserContext()).ID
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	typ := c.Params("type")
	cm := &platformcomment.Comment{ContentType: typ, ItemID: id, AuthorID: &uid, Body: c.FormValue("body")}
	if p, err := strconv.ParseInt(c.FormValue("parent"), 10, 64); err == nil && p > 0 {
		cm.ParentID = &p
	}
	var item Item
	err := tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if item, err = m.target(ctx, tx, typ, id, uid); err != nil {
			return err
		}
		if !item.Open {
			return ErrClosed
		}
		return platformcomment.Add(ctx, tx, cm, item.Moderate)
	})
	loc := m.Shell.I18n.FromContext(c.UserContext())
	if fe, ok := form.FieldsOf(err); ok {
		msg := loc.T(fe["body"])
		if s, ok := m.Targets[typ].(web.ItemPage); ok && c.Get("HX-Request") != "true" {
			platformcomment.Refuse(c, cm, msg)
			return s.ShowItem(c, fiber.StatusUnprocessableEntity)
		}
		return platform.NewError(platform.ErrInvalid, msg)
	}
	if err != nil {
		return err
	}
	done := "comment"
	if cm.State == platformcomment.ToValidate {
		done = "comment_waiting"
	}
	return web.Go(c, item.URL+"?done="+done+"#comment-"+strconv.FormatInt(cm.ID, 10))
}

// moderate publishes or rejects a waiting comment, for the item's moderators.
func (m *Module) moderate(publish bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		uid := auth.UserFromContext(c.UserContext()).ID
		cid, _ := strconv.ParseInt(c.Params("cid"), 10, 64)
		var item Item
		err := tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
			cm, err := platformcomment.Get(ctx, tx, cid)
			if err != nil {
				return err
			}
			if item, err = m.target(ctx, tx, cm.ContentType, cm.ItemID, uid); err != nil {
				return err
			}
			if !item.Moderate {
				return authz.ErrForbidden
			}
			return platformcomment.Moderate(ctx, tx, cid, publish)
		})
		if err != nil {
			return err
		}
		return web.Done(c, item.URL+"#comments", m.Shell.I18n.FromContext(c.UserContext()).T("comment.approve"))
	}
}

// Inbox lists the comments waiting for uid's moderation.
func (m *Module) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	waiting, err := platformcomment.Waiting(ctx, tx, 500)
	if err != nil {
		return nil, err
	}
	var out []feed.Task
	type key struct {
		typ string
		id  int64
	}
	items := map[key]*Item{} // each item checked once (nil: not the member's to moderate)
	for _, cm := range waiting {
		k := key{cm.ContentType, cm.ItemID}
		item, seen := items[k]
		if !seen {
			it, err := m.target(ctx, tx, cm.ContentType, cm.ItemID, uid)
			if err != nil && !errors.Is(err, platform.ErrNotFound) {
				return nil, err
			}
			if err == nil && it.Moderate {
				item = &it
			}
			items[k] = item
		}
		if item == nil {
			continue
		}
		base := "/comments/" + strconv.FormatInt(cm.ID, 10)
		out = append(out, feed.Task{Label: "comment.task", Title: item.Title, Detail: excerpt(cm.Body), URL: item.URL + "#comment-" + strconv.FormatInt(cm.ID, 10),
			At: cm.CreatedAt, Actions: feed.Decide("comment.approve", base+"/approve", "comment.reject", base+"/reject")})
		if len(out) >= limit {
			break
		}
	}
	return out, nil
}

func excerpt(s string) string {
	r := []rune(s)
	if len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
