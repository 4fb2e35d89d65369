package partnership

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/feed"
)

// What waits in "my activities": for an advisor, the new interests (any
// advisor takes one over) and those they took over; for a member, their
// interests on which an advisor asked for information.
const (
	// advisorSQL finds the interests waiting for advisor ?: new ones
	// (index partnership_interests_new_idx) and theirs (index
	// partnership_interests_advisor_idx).
	advisorSQL = `FROM partnership_interests AS i WHERE (i.state = 'new' OR i.state IN ('taken_over', 'info_requested') AND i.advisor_id = ?)`
	// memberSQL finds the interests of member ? waiting for their
	// information (index partnership_interests_author_idx).
	memberSQL = `FROM partnership_interests AS i WHERE i.author_id = ? AND i.state = 'info_requested'`
)

// Inbox lists what waits for uid, the longest waiting first, at most limit
// of each kind.
func (m *Module) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	if off(ctx) {
		return nil, nil
	}
	var tasks []feed.Task
	if readerOf(ctx, uid).Advisor {
		var err error
		if tasks, err = waiting(ctx, tx, advisorSQL, uid, limit, "partnership.task."); err != nil {
			return nil, err
		}
	}
	mine, err := waiting(ctx, tx, memberSQL, uid, limit, "partnership.task.mine_")
	return append(tasks, mine...), err
}

// waiting lists the interests of the condition from (with member uid) as
// tasks labelled by prefix and their state; a new interest is taken over
// in place.
func waiting(ctx context.Context, tx bun.IDB, from string, uid int64, limit int, prefix string) ([]feed.Task, error) {
	var rows []struct {
		ID        int64     `bun:"id"`
		Title     string    `bun:"title"`
		State     string    `bun:"state"`
		Name      string    `bun:"name"`
		UpdatedAt time.Time `bun:"updated_at"`
	}
	err := tx.NewRaw(`SELECT i.id, i.state, i.updated_at, (SELECT pa.title FROM partnerships AS pa WHERE pa.id = i.profile_id) AS title,
		coalesce((SELECT `+auth.NameSQL("u")+` FROM users AS u WHERE u.id = i.author_id), i.external_name || ' (' || i.external_tenant || ')') AS name
		`+from+` ORDER BY i.updated_at, i.id LIMIT ?`, uid, limit).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("interests waiting: %w", err)
	}
	out := make([]feed.Task, 0, len(rows))
	for _, r := range rows {
		t := feed.Task{Label: prefix + r.State, Title: r.Title, Detail: r.Name, URL: interestURL(r.ID), At: r.UpdatedAt}
		if r.State == Received {
			t.Actions = []feed.Action{{Label: "partnership.action.take_over", URL: t.URL + "/do/take_over"}}
		}
		out = append(out, t)
	}
	return out, nil
}

// Waits is the inbox's probe: whether an interest waits for uid as an
// advisor, or for their information (see advisorSQL and memberSQL).
func (m *Module) Waits(ctx context.Context, uid int64) (string, []any, bool) {
	if off(ctx) {
		return "", nil, false
	}
	cond, args := "EXISTS (SELECT 1 "+memberSQL+")", []any{uid}
	if readerOf(ctx, uid).Advisor {
		cond, args = "EXISTS (SELECT 1 "+advisorSQL+") OR "+cond, []any{uid, uid}
	}
	return cond, args, true
}
