package comment

import (
	"context"
	"errors"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	platformcomment "github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/feed"
)

// maxItems bounds the items with waiting comments the inbox looks at.
const maxItems = 500

// Moderating is a Target that says in one query which of its items ids
// uid may see and moderates the comments of, by id.
type Moderating interface {
	CommentModerated(ctx context.Context, tx bun.IDB, uid int64, ids []int64) (map[int64]Item, error)
}

// Moderators is a Target that says without a query whether uid may
// moderate any of its items' comments (false: certainly not).
type Moderators interface {
	MayModerate(ctx context.Context, uid int64) bool
}

// Waits is the inbox's probe of Inbox: nothing for a member who moderates
// no target's comments, else whether any comment waits (the index of the
// comments waiting).
func (m *Module) Waits(ctx context.Context, uid int64) (string, []any, bool) {
	for _, t := range m.Targets {
		if mt, ok := t.(Moderators); !ok || mt.MayModerate(ctx, uid) {
			return "EXISTS (SELECT 1 FROM comments WHERE state = 'to_validate')", nil, true
		}
	}
	return "", nil, false
}

// Inbox lists the comments waiting for uid's moderation, oldest first, at
// most limit: the items with waiting comments (at most maxItems), those of
// them uid moderates (one query per content type), then their waiting
// comments (one query).
func (m *Module) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	waiting, err := platformcomment.WaitingItems(ctx, tx, maxItems)
	if err != nil {
		return nil, err
	}
	byType := map[string][]int64{}
	for _, w := range waiting {
		byType[w.ContentType] = append(byType[w.ContentType], w.ItemID)
	}
	mine, ids := map[string]map[int64]Item{}, map[string][]int64{}
	for typ, all := range byType {
		items, err := m.moderated(ctx, tx, typ, all, uid)
		if err != nil {
			return nil, err
		}
		for id := range items {
			ids[typ] = append(ids[typ], id)
		}
		mine[typ] = items
	}
	cs, err := platformcomment.WaitingOn(ctx, tx, ids, limit)
	if err != nil {
		return nil, err
	}
	out := make([]feed.Task, 0, len(cs))
	for _, cm := range cs {
		item := mine[cm.ContentType][cm.ItemID]
		base := "/comments/" + strconv.FormatInt(cm.ID, 10)
		out = append(out, feed.Task{Label: "comment.task", Title: item.Title, Detail: excerpt(cm.Body), URL: item.URL + "#comment-" + strconv.FormatInt(cm.ID, 10),
			At: cm.CreatedAt, Actions: feed.Decide("comment.approve", base+"/approve", "comment.reject", base+"/reject")})
	}
	return out, nil
}

// moderated is which of the items ids of content type typ uid may see and
// moderates: in one query when the type can say so, else item by item.
func (m *Module) moderated(ctx context.Context, tx bun.IDB, typ string, ids []int64, uid int64) (map[int64]Item, error) {
	t, ok := m.Targets[typ]
	if !ok {
		return nil, nil
	}
	if mt, ok := t.(Moderating); ok {
		return mt.CommentModerated(ctx, tx, uid, ids)
	}
	out := map[int64]Item{}
	for _, id := range ids {
		it, err := t.CommentTarget(ctx, tx, id, uid)
		if errors.Is(err, platform.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if it.Moderate {
			out[id] = it
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
