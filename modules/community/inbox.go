package community

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/feed"
)

// Inbox lists what waits for uid in communities: requests to join those
// they manage, their own invitations, and new communities (of others) to
// validate.
func (m *Module) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	validator := authz.Can(ctx, "community/new", "validate")
	return members.Tasks(ctx, tx, uid, limit, "? AND g.state = 'to_validate' AND g.created_by IS DISTINCT FROM ?", validator, uid)
}

// Waits is the inbox's probe of Inbox.
func (m *Module) Waits(ctx context.Context, uid int64) (string, []any, bool) {
	if !authz.Can(ctx, "community/new", "validate") {
		cond, args := members.Waits(uid, "")
		return cond, args, true
	}
	cond, args := members.Waits(uid, "g.state = 'to_validate' AND g.created_by IS DISTINCT FROM ?", uid)
	return cond, args, true
}
