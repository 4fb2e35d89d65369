package membership

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/feed"
)

// Inbox is how the decisions waiting in a module's groups show as tasks.
type Inbox struct {
	// Path is a group's page (fmt, with the group's id): "/communities/%d".
	Path string
	// People is the segment of the decisions on a person: "members".
	People string
	// Keys is the module's message prefix: "community".
	Keys string
	// ApproveRequest is the message (after Keys) of approving a request.
	ApproveRequest string
	// Validate is the action validating a group, and its message (after Keys).
	Validate string
}

// pending is a decision waiting for someone.
type pending struct {
	What      string    `bun:"what"`
	GID       int64     `bun:"gid"`
	Name      string    `bun:"name"`
	UID       int64     `bun:"uid"`
	Who       string    `bun:"who"`
	CreatedAt time.Time `bun:"created_at"`
}

// Tasks lists, oldest first, what waits for uid: requests to join the
// groups they lead, their own invitations, and, when validate (a condition
// on the group aliased g, with args) is not empty, the groups waiting for
// validation it selects.
func (s *Spec) Tasks(ctx context.Context, tx bun.IDB, uid int64, limit int, validate string, args ...any) ([]feed.Task, error) {
	live := ""
	if s.Live != "" {
		live = " AND " + s.Live
	}
	q := `
		SELECT 'request' AS what, g.id AS gid, g.name, r.user_id AS uid, ` + auth.NameSQL("u") + ` AS who, r.created_at
		FROM ` + s.Table + ` AS r
		JOIN ` + s.Groups + ` AS g ON g.id = r.` + s.Column + live + `
		JOIN ` + s.Table + ` AS me ON me.` + s.Column + ` = r.` + s.Column + ` AND me.user_id = ? AND me.state = 'active' AND me.role = ?
		JOIN users AS u ON u.id = r.user_id
		WHERE r.state = 'request_sent'
		UNION ALL
		SELECT 'invitation', g.id, g.name, 0, '', i.created_at
		FROM ` + s.Table + ` AS i JOIN ` + s.Groups + ` AS g ON g.id = i.` + s.Column + live + `
		WHERE i.user_id = ? AND i.state = 'invited'`
	all := []any{uid, s.Lead, uid}
	if validate != "" {
		q += `
		UNION ALL
		SELECT 'validation', g.id, g.name, 0, '', g.created_at FROM ` + s.Groups + ` AS g WHERE ` + validate
		all = append(all, args...)
	}
	var rows []pending
	if err := tx.NewRaw(q+" ORDER BY created_at LIMIT ?", append(all, limit)...).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("%s inbox: %w", s.Inbox.Keys, err)
	}
	out := make([]feed.Task, 0, len(rows))
	for _, r := range rows {
		out = append(out, s.Inbox.task(r))
	}
	return out, nil
}

// task is a waiting decision as the inbox shows it, with its answers.
func (in *Inbox) task(r pending) feed.Task {
	base := fmt.Sprintf(in.Path, r.GID)
	t := feed.Task{Title: r.Name, URL: base, At: r.CreatedAt, Label: in.Keys + ".task." + r.What}
	switch r.What {
	case "request":
		person := fmt.Sprintf("%s/%s/%d/", base, in.People, r.UID)
		t.URL, t.Detail = base+"?state="+RequestSent, r.Who // the group's requests
		t.Actions = feed.Decide(in.Keys+"."+in.ApproveRequest, person+Approve, in.Keys+".reject_request", person+Reject)
	case "invitation":
		t.Actions = feed.Decide(in.Keys+".accept", base+"/accept", in.Keys+".decline", base+"/decline")
	default:
		t.Actions = feed.Decide(in.Keys+"."+in.Validate, base+"/"+in.Validate, in.Keys+".reject", base+"/reject")
	}
	return t
}

// Waits is the inbox's probe of Tasks: whether a request waits in a group
// uid leads, or an invitation for uid, or (when validate, a condition on
// the groups aliased g with args, is not empty) a group to validate; each
// through an index of what waits.
func (s *Spec) Waits(uid int64, validate string, args ...any) (string, []any) {
	cond := `EXISTS (SELECT 1 FROM ` + s.Table + ` AS me JOIN ` + s.Table + ` AS r ON r.` + s.Column + ` = me.` + s.Column + ` AND r.state = 'request_sent'
		WHERE me.user_id = ? AND me.state = 'active' AND me.role = ?)
		OR EXISTS (SELECT 1 FROM ` + s.Table + ` WHERE user_id = ? AND state = 'invited')`
	all := []any{uid, s.Lead, uid}
	if validate != "" {
		cond += ` OR EXISTS (SELECT 1 FROM ` + s.Groups + ` AS g WHERE ` + validate + `)`
		all = append(all, args...)
	}
	return cond, all
}
