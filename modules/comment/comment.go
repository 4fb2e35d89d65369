// Package comment is the routes of comments: writing one (or a reply) on an
// item the member may see and that is open, and moderating those waiting.
// Each content type that enables comments is a Target, which says who may
// see its items and who moderates them; the same check guards every route.
package comment

import (
	"context"
	"io/fs"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	platformcomment "github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/web"
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
