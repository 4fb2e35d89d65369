package news

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/comment"
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
		Member: uid > 0, Moderate: moderate}, err
}
