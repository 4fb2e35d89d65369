package profile

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/feed"
)

// Inbox lists the member's unread messages and, for facilitators, the
// profiles waiting for their validation.
func (m *Module) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	ms, err := unread(ctx, tx, uid, limit)
	if err != nil {
		return nil, err
	}
	out := make([]feed.Task, 0, len(ms))
	for _, msg := range ms {
		out = append(out, feed.Task{Label: "profile.task.message", Title: msg.SenderName, Detail: excerpt(msg.Body, 80),
			URL: "/profile/messages/" + strconv.FormatInt(msg.ID, 10), At: msg.CreatedAt})
	}
	tasks, err := validations(ctx, tx, uid, limit)
	return append(out, tasks...), err
}

// excerpt is the start of s, at most n characters.
func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// validations lists the profiles waiting for uid's validation.
func validations(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	vw, err := viewer(ctx, tx)
	if err != nil || !vw.Facilitator || !vw.Validation {
		return nil, err
	}
	var rows []struct {
		ID        int64     `bun:"id"`
		Name      string    `bun:"name"`
		UpdatedAt time.Time `bun:"updated_at"`
	}
	err = tx.NewRaw(`SELECT u.id, `+auth.NameSQL("u")+` AS name, p.updated_at
		FROM profiles AS p JOIN users AS u ON u.id = p.user_id
		WHERE p.state = 'to_validate' AND u.status = 'active' AND u.id <> ? ORDER BY p.updated_at LIMIT ?`, uid, limit).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("profiles to validate: %w", err)
	}
	out := make([]feed.Task, 0, len(rows))
	for _, r := range rows {
		base := fmt.Sprintf("/people/%d", r.ID)
		out = append(out, feed.Task{Label: "profile.task.validation", Title: r.Name, URL: base, At: r.UpdatedAt,
			Actions: feed.Decide("profile.validate", base+"/validate", "profile.reject", base+"/reject")})
	}
	return out, nil
}

// Waits is the inbox's probe of Inbox: an unread message, or, for
// facilitators, a profile waiting for validation (whether validation is
// on is read only when one waits).
func (m *Module) Waits(ctx context.Context, uid int64) (string, []any, bool) {
	cond := "EXISTS (SELECT 1 FROM messages WHERE recipient_id = ? AND read_at IS NULL)"
	if !authz.Can(ctx, "profile/member", "validate") {
		return cond, []any{uid}, true
	}
	return cond + " OR EXISTS (SELECT 1 FROM profiles WHERE state = 'to_validate' AND user_id <> ?)", []any{uid, uid}, true
}
