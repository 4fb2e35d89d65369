package community

import (
	"context"
	"fmt"
	"github.com/piazza-pa/piazza/platform/auth"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/feed"
)

// Inbox lists what waits for uid in communities: requests to join those
// they manage, their own invitations, and new communities to validate.
func (m *Module) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	var rows []struct {
		What      string    `bun:"what"`
		CID       int64     `bun:"cid"`
		Name      string    `bun:"name"`
		UID       int64     `bun:"uid"`
		Who       string    `bun:"who"`
		CreatedAt time.Time `bun:"created_at"`
	}
	validator := authz.Can(ctx, "community/new", "validate")
	err := tx.NewRaw(`
		SELECT 'request' AS what, c.id AS cid, c.name, r.user_id AS uid,
			`+auth.NameSQL("u")+` AS who, r.created_at
		FROM community_members AS r
		JOIN communities AS c ON c.id = r.community_id AND c.state = 'active'
		JOIN community_members AS me ON me.community_id = r.community_id AND me.user_id = ? AND me.state = 'active' AND me.role = 'manager'
		JOIN users AS u ON u.id = r.user_id
		WHERE r.state = 'request_sent'
		UNION ALL
		SELECT 'invitation', c.id, c.name, 0, '', i.created_at
		FROM community_members AS i JOIN communities AS c ON c.id = i.community_id AND c.state = 'active'
		WHERE i.user_id = ? AND i.state = 'invited'
		UNION ALL
		SELECT 'validation', c.id, c.name, 0, '', c.created_at FROM communities AS c
		WHERE ? AND c.state = 'to_validate' AND c.created_by IS DISTINCT FROM ?
		ORDER BY created_at LIMIT ?`, uid, uid, validator, uid, limit).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("community inbox: %w", err)
	}
	out := make([]feed.Task, 0, len(rows))
	for _, r := range rows {
		base := fmt.Sprintf("/communities/%d", r.CID)
		t := feed.Task{Title: r.Name, URL: base, At: r.CreatedAt}
		switch r.What {
		case "request":
			t.Label, t.Detail = "community.task.request", r.Who
			t.Actions = feed.Decide("community.approve_request", fmt.Sprintf("%s/members/%d/approve", base, r.UID), "community.reject_request", fmt.Sprintf("%s/members/%d/reject", base, r.UID))
		case "invitation":
			t.Label = "community.task.invitation"
			t.Actions = feed.Decide("community.accept", base+"/accept", "community.decline", base+"/decline")
		default:
			t.Label = "community.task.validation"
			t.Actions = feed.Decide("community.approve", base+"/approve", "community.reject", base+"/reject")
		}
		out = append(out, t)
	}
	return out, nil
}
