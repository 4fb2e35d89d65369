package comment

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	platformcomment "github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/tenant"
)

// The service: writing and moderating comments, each in one of the
// tenant's transactions, for the member of ctx, with the item's module
// asked who may see it, whether it is open and who moderates it.

var errNotFound = platform.NewError(platform.ErrNotFound, "not found")

// ErrClosed is a comment on a closed item.
var ErrClosed = platform.NewKeyedError(platform.ErrConflict, "comment.error.closed", "closed to new comments")

// Add writes cm (its item, body and parent given) as the member of ctx's,
// on an item they see and that is open, and returns the item. The comment
// waits for moderation unless the member moderates the item; a refused
// body is a form error on field "body".
func (m *Module) Add(ctx context.Context, cm *platformcomment.Comment) (Item, error) {
	uid := auth.UserFromContext(ctx).ID
	cm.AuthorID = &uid
	var item Item
	err := tenant.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if item, err = m.target(ctx, tx, cm.ContentType, cm.ItemID, uid); err != nil {
			return err
		}
		if !item.Open {
			return ErrClosed
		}
		return platformcomment.Add(ctx, tx, cm, item.Moderate)
	})
	return item, err
}

// Moderate publishes (publish) or rejects waiting comment cid, for the
// moderators of its item, and returns the item.
func (m *Module) Moderate(ctx context.Context, cid int64, publish bool) (Item, error) {
	uid := auth.UserFromContext(ctx).ID
	var item Item
	err := tenant.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
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
	return item, err
}

// target asks the module of content type typ for item id, as uid sees it.
func (m *Module) target(ctx context.Context, tx bun.IDB, typ string, id, uid int64) (Item, error) {
	t, ok := m.Targets[typ]
	if !ok {
		return Item{}, errNotFound
	}
	return t.CommentTarget(ctx, tx, id, uid)
}
