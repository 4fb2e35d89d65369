package organization

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/feed"
)

// Inbox lists what waits for uid in organisations: requests to those they
// refer for, their own invitations, and organisations to validate.
func (m *Module) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	vw, err := viewer(ctx, tx)
	if err != nil {
		return nil, err
	}
	return people.Tasks(ctx, tx, uid, limit, "? AND ? AND g.state = 'to_validate'", vw.Facilitator, vw.Validation)
}

// Waits is the inbox's probe of Inbox (organisations to validate are
// probed for facilitators whether validation is on or not).
func (m *Module) Waits(ctx context.Context, uid int64) (string, []any, bool) {
	if !authz.Can(ctx, "organization/any", "validate") {
		cond, args := people.Waits(uid, "")
		return cond, args, true
	}
	cond, args := people.Waits(uid, "g.state = 'to_validate'")
	return cond, args, true
}
