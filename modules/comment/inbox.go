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
