package file

import (
	"context"
	"io"
	"mime/multipart"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/tenant"
)

// The service: attaching a file and reading one back, each in one of the
// tenant's transactions, for the member (or guest) of ctx, with the item's
// module asked who may see and who may attach.

var errNotFound = platform.NewError(platform.ErrNotFound, "not found")

// Upload is a file sent to an item or to one of its comments.
type Upload struct {
	// Type and ItemID name the item; CommentID, when not 0, names the
	// comment instead (its item is the comment's).
	Type              string
	ItemID, CommentID int64
	// File is the form's file, nil when none came.
	File *multipart.FileHeader
}

// Attach stores u's file for the member of ctx, who may attach files to
// the item (or wrote the comment, published, on an item they see), and
// returns the item. The file is looked at only for someone who may attach
// one; a refused file is an error of kind invalid with its message key.
func (m *Module) Attach(ctx context.Context, u Upload) (Item, error) {
	uid := auth.UserFromContext(ctx).ID
	slug := tenant.FromContext(ctx).Slug
	var item Item
	err := tenant.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		a := &attachment.Attachment{ContentType: u.Type, ItemID: u.ItemID, UploadedBy: &uid}
		var err error
		if item, err = m.mayAttach(ctx, tx, a, u.CommentID, uid); err != nil {
			return err
		}
		return m.keep(ctx, tx, slug, a, u.File)
	})
	if fe, ok := form.FieldsOf(err); ok {
		err = platform.NewKeyedError(platform.ErrInvalid, fe["file"], err.Error())
	}
	return item, err
}

// mayAttach returns the item a is for when uid may attach a file to it;
// a comment's file (cid not 0) takes its comment's item, and only the
// comment's author attaches, to a published comment.
func (m *Module) mayAttach(ctx context.Context, tx bun.IDB, a *attachment.Attachment, cid, uid int64) (Item, error) {
	if cid == 0 {
		item, err := m.target(ctx, tx, a.ContentType, a.ItemID, uid)
		if err == nil && !item.Upload {
			err = authz.ErrForbidden
		}
		return item, err
	}
	cm, err := comment.Get(ctx, tx, cid)
	if err != nil {
		return Item{}, err
	}
	a.ContentType, a.ItemID, a.CommentID = cm.ContentType, cm.ItemID, &cm.ID
	item, err := m.target(ctx, tx, cm.ContentType, cm.ItemID, uid)
	if err == nil && !(cm.Own(uid) && cm.State == comment.Published) {
		err = authz.ErrForbidden
	}
	return item, err
}

// keep checks and stores file fh as a, and tells the item's module of a
// file attached to the item itself.
func (m *Module) keep(ctx context.Context, tx bun.IDB, slug string, a *attachment.Attachment, fh *multipart.FileHeader) error {
	if err := attachment.AddFile(ctx, tx, m.Store, slug, a, fh); err != nil {
		return err
	}
	if at, ok := m.Targets[a.ContentType].(Attacher); ok && a.CommentID == nil {
		return at.Attached(ctx, tx, a)
	}
	return nil
}

// Open returns attachment aid and its content to the viewer of ctx (0 for
// a guest) when they may see its item; the caller closes the content.
func (m *Module) Open(ctx context.Context, aid int64) (*attachment.Attachment, io.ReadCloser, error) {
	var uid int64
	if u := auth.UserFromContext(ctx); u != nil {
		uid = u.ID
	}
	var a *attachment.Attachment
	err := tenant.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if a, err = attachment.Get(ctx, tx, aid); err != nil {
			return err
		}
		_, err = m.target(ctx, tx, a.ContentType, a.ItemID, uid)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	r, err := m.Store.Open(ctx, tenant.FromContext(ctx).Slug, a.StorageKey)
	if err != nil {
		return nil, nil, err
	}
	return a, r, nil
}

// target asks the module of content type typ for item id, as uid sees it.
func (m *Module) target(ctx context.Context, tx bun.IDB, typ string, id, uid int64) (Item, error) {
	t, ok := m.Targets[typ]
	if !ok {
		return Item{}, errNotFound
	}
	return t.FileTarget(ctx, tx, id, uid)
}
