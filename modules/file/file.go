// Package file is the routes of attachments: uploading a file to an item
// one may edit, and downloading it — only for those who may see the item,
// asked of the item's module (a Target) on every download.
package file

import (
	"context"
	"io/fs"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/web"
)

// Item is what a Target says of one of its items to a viewer.
type Item struct {
	URL string
	// Upload: the viewer may attach files to it.
	Upload bool
}

// Target is a content type whose items take attachments: it returns the
// item when uid (0 for a guest) may see it, else an error of kind not found.
type Target interface {
	FileTarget(ctx context.Context, tx bun.IDB, id, uid int64) (Item, error)
}

// Attacher is a Target told, in the same transaction, of each file attached
// to one of its items (not to a comment).
type Attacher interface {
	Attached(ctx context.Context, tx bun.IDB, a *attachment.Attachment) error
}

// Deps are what the routes need.
type Deps struct {
	DB      *bun.DB
	Shell   *web.Shell
	Store   storage.Store
	Targets map[string]Target
}

// Module is the attachment routes.
type Module struct{ Deps }

// New returns the module.
func New(d Deps) *Module { return &Module{Deps: d} }

// Partials are the attachment list's templates (templates/*.html), for
// the pages of the content types that take files.
func (m *Module) Partials() fs.FS { return attachment.Partials }

// Routes registers upload (members) and download (whoever sees the item).
func (m *Module) Routes(r fiber.Router) {
	r.Post("/files/comment/:cid<int>", auth.RequireMember, m.upload)
	r.Post("/files/:type/:id<int>", auth.RequireMember, m.upload)
	r.Get("/files/:aid<int>/:name", m.download)
}
