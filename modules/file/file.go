// Package file is the routes of attachments: uploading a file to an item
// one may edit, and downloading it — only for those who may see the item,
// asked of the item's module (a Target) on every download.
package file

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"mime"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
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

var errNotFound = platform.NewError(platform.ErrNotFound, "not found")

func (m *Module) target(ctx context.Context, tx bun.IDB, typ string, id, uid int64) (Item, error) {
	t, ok := m.Targets[typ]
	if !ok {
		return Item{}, errNotFound
	}
	return t.FileTarget(ctx, tx, id, uid)
}

func (m *Module) upload(c *fiber.Ctx) error {
	uid := auth.UserFromContext(c.UserContext()).ID
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	cid, _ := strconv.ParseInt(c.Params("cid"), 10, 64)
	typ := c.Params("type")
	loc := m.Shell.I18n.FromContext(c.UserContext())
	fh, ferr := c.FormFile("file")
	t := tenant.FromContext(c.UserContext())
	a := &attachment.Attachment{ContentType: typ, ItemID: id, UploadedBy: &uid}
	var item Item
	err := tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
		var mayUpload bool
		if cid > 0 { // a comment's file: its author, on an item they see
			cm, err := comment.Get(ctx, tx, cid)
			if err != nil {
				return err
			}
			a.ContentType, a.ItemID, a.CommentID = cm.ContentType, cm.ItemID, &cm.ID
			if item, err = m.target(ctx, tx, cm.ContentType, cm.ItemID, uid); err != nil {
				return err
			}
			mayUpload = cm.Own(uid) && cm.State == comment.Published
		} else {
			var err error
			if item, err = m.target(ctx, tx, typ, id, uid); err != nil {
				return err
			}
			mayUpload = item.Upload
		}
		if !mayUpload {
			return authz.ErrForbidden
		}
		// The file is looked at only for someone who may attach one.
		if ferr != nil {
			return platform.NewError(platform.ErrInvalid, loc.T("attachment.error.empty"))
		}
		if fh.Size > attachment.MaxSize {
			return platform.NewError(platform.ErrInvalid, loc.T("attachment.error.size"))
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		a.Name = fh.Filename
		if err := attachment.Add(ctx, tx, m.Store, t.Slug, a, fh.Header.Get("Content-Type"), f); err != nil {
			return err
		}
		if at, ok := m.Targets[a.ContentType].(Attacher); ok && a.CommentID == nil {
			return at.Attached(ctx, tx, a)
		}
		return nil
	})
	if fe, ok := form.FieldsOf(err); ok {
		err = platform.NewError(platform.ErrInvalid, loc.T(fe["file"]))
	}
	if errors.Is(err, platform.ErrInvalid) && cid == 0 && c.Get("HX-Request") != "true" {
		if s, ok := m.Targets[typ].(web.ItemPage); ok { // told in the item's upload form
			attachment.Refuse(c, platform.Localize(err, loc.T))
			return s.ShowItem(c, fiber.StatusUnprocessableEntity)
		}
	}
	if err != nil {
		return err
	}
	return web.Go(c, item.URL+"?done=file#attachments")
}

// download streams a file to whoever may see its item; images inline,
// anything else as a download, never sniffed by the browser.
func (m *Module) download(c *fiber.Ctx) error {
	var uid int64
	if u := auth.UserFromContext(c.UserContext()); u != nil {
		uid = u.ID
	}
	aid, _ := strconv.ParseInt(c.Params("aid"), 10, 64)
	t := tenant.FromContext(c.UserContext())
	var a *attachment.Attachment
	err := tenant.Tx(c.UserContext(), m.DB, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if a, err = attachment.Get(ctx, tx, aid); err != nil {
			return err
		}
		_, err = m.target(ctx, tx, a.ContentType, a.ItemID, uid)
		return err
	})
	if err != nil {
		return err
	}
	r, err := m.Store.Open(c.UserContext(), t.Slug, a.StorageKey)
	if err != nil {
		return err
	}
	defer r.Close()
	disposition := "attachment"
	if a.Image() {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, a.MIME)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": a.Name}))
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return c.Send(body)
}
