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
