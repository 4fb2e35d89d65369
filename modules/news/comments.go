package news

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/comment"
	"github.com/piazza-pa/piazza/modules/file"
	platformcomment "github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// CommentTarget is a news item for comments: seen by uid, open once
// published, moderated by those who validate it.
func (m *Module) CommentTarget(ctx context.Context, tx bun.IDB, id, uid int64) (comment.Item, error) {
	v := viewerOf(ctx)
	v.UserID = uid
	n, err := Get(ctx, tx, v, id)
	if err != nil {
		return comment.Item{}, err
	}
	may, err := guard(ctx, tx, n, uid)
	if err != nil {
		return comment.Item{}, err
	}
	return comment.Item{Title: n.Title, URL: "/news/" + strconv.FormatInt(n.ID, 10),
		Open: n.State == workflow.Published, Moderate: may("validate")}, nil
}

// thread loads the comments of n for the page.
func thread(ctx context.Context, tx bun.IDB, n *News, uid int64, may workflow.Guard) (platformcomment.Thread, error) {
	moderate := uid > 0 && may != nil && may("validate")
	cs, err := platformcomment.List(ctx, tx, ContentType, n.ID, uid, moderate)
	return platformcomment.Thread{Type: ContentType, ItemID: n.ID, Comments: cs, Open: n.State == workflow.Published,
		Member: uid > 0, Moderate: moderate, Viewer: uid}, err
}

// FileTarget is a news item for attachments: seen by uid, who may attach
// files when they may edit it.
func (m *Module) FileTarget(ctx context.Context, tx bun.IDB, id, uid int64) (file.Item, error) {
	v := viewerOf(ctx)
	v.UserID = uid
	n, err := Get(ctx, tx, v, id)
	if err != nil {
		return file.Item{}, err
	}
	item := file.Item{URL: "/news/" + strconv.FormatInt(n.ID, 10)}
	if uid > 0 {
		may, err := guard(ctx, tx, n, uid)
		if err != nil {
			return item, err
		}
		item.Upload = mayEdit(n, uid, may)
	}
	return item, nil
}
