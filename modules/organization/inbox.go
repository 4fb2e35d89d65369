package organization

import (
	"context"
	"fmt"
	"github.com/piazza-pa/piazza/platform/auth"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/feed"
)

// Inbox lists what waits for uid in organisations: requests to those they
// refer for, their own invitations, and organisations to validate.
func (m *Module) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	vw, err := viewer(ctx, tx)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		What      string    `bun:"what"`
		OID       int64     `bun:"oid"`
		Name      string    `bun:"name"`
		UID       int64     `bun:"uid"`
		Who       string    `bun:"who"`
		CreatedAt time.Time `bun:"created_at"`
	}
	err = tx.NewRaw(`
		SELECT 'request' AS what, o.id AS oid, o.name, r.user_id AS uid,
			`+auth.NameSQL("u")+` AS who, r.created_at
		FROM organization_members AS r
		JOIN organizations AS o ON o.id = r.organization_id
		JOIN organization_members AS me ON me.organization_id = r.organization_id AND me.user_id = ? AND me.state = 'active' AND me.role = 'referent'
		JOIN users AS u ON u.id = r.user_id
		WHERE r.state = 'request_sent'
		UNION ALL
		SELECT 'invitation', o.id, o.name, 0, '', i.created_at
		FROM organization_members AS i JOIN organizations AS o ON o.id = i.organization_id
		WHERE i.user_id = ? AND i.state = 'invited'
		UNION ALL
		SELECT 'validation', o.id, o.name, 0, '', o.created_at FROM organizations AS o
		WHERE ? AND ? AND o.state = 'to_validate'
		ORDER BY created_at LIMIT ?`, uid, uid, vw.Facilitator, vw.Validation, limit).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("organisation inbox: %w", err)
	}
	out := make([]feed.Task, 0, len(rows))
	for _, r := range rows {
		base := fmt.Sprintf("/organizations/%d", r.OID)
		t := feed.Task{Title: r.Name, URL: base, At: r.CreatedAt}
		switch r.What {
		case "request":
			t.Label, t.Detail = "organization.task.request", r.Who
			t.Actions = feed.Decide("organization.approve", fmt.Sprintf("%s/people/%d/approve", base, r.UID), "organization.reject_request", fmt.Sprintf("%s/people/%d/reject", base, r.UID))
		case "invitation":
			t.Label = "organization.task.invitation"
			t.Actions = feed.Decide("organization.accept", base+"/accept", "organization.decline", base+"/decline")
		default:
			t.Label = "organization.task.validation"
			t.Actions = feed.Decide("organization.validate", base+"/validate", "organization.reject", base+"/reject")
		}
		out = append(out, t)
	}
	return out, nil
}
