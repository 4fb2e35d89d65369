package proposal

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/feed"
)

// waitingSQL finds the expressions of interest waiting for proposer ?0's
// decision from the proposer's own published or closed proposals (index
// proposals_author_idx), then each one's waiting expressions (index
// proposal_interests_waiting_idx): for a member without proposals it
// reads one index entry of nothing.
const waitingSQL = `FROM proposals AS p JOIN proposal_interests AS i ON i.proposal_id = p.id AND i.state IN ('submitted', 'in_evaluation')
	WHERE p.author_id = ? AND p.state IN ('published', 'closed')`

// Inbox lists what waits for uid: the proposals to validate (the kit's)
// and the expressions of interest in their proposals to evaluate, the
// longest waiting first, at most limit of each.
func (m *Module) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	if off(ctx) {
		return nil, nil
	}
	var tasks []feed.Task
	if m.MayModerate(ctx, uid) {
		var err error
		if tasks, err = m.Kit.Inbox(ctx, tx, uid, limit); err != nil {
			return nil, err
		}
	}
	var rows []struct {
		ID        int64     `bun:"id"`
		Title     string    `bun:"title"`
		State     string    `bun:"state"`
		Name      string    `bun:"name"`
		UpdatedAt time.Time `bun:"updated_at"`
	}
	err := tx.NewRaw(`SELECT i.id, p.title, i.state, i.updated_at, coalesce((SELECT `+auth.NameSQL("u")+` FROM users AS u WHERE u.id = i.author_id),
		i.external_name || ' (' || i.external_tenant || ')') AS name
		`+waitingSQL+` ORDER BY i.updated_at, i.id LIMIT ?`, uid, limit).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("expressions of interest waiting: %w", err)
	}
	for _, r := range rows {
		url := fmt.Sprintf("/proposals/interests/%d", r.ID)
		tasks = append(tasks, feed.Task{Label: "proposal.task." + r.State, Title: r.Title, Detail: r.Name, URL: url, At: r.UpdatedAt,
			Actions: feed.Decide("proposal.action.relevant", url+"/do/relevant", "proposal.action.not_relevant", url+"/do/not_relevant")})
	}
	return tasks, nil
}

// Waits is the inbox's probe: whether a proposal waits for uid's
// validation (the kit's probe, nothing for who validates none), or an
// expression of interest waits for uid's decision (see waitingSQL).
func (m *Module) Waits(ctx context.Context, uid int64) (string, []any, bool) {
	if off(ctx) {
		return "", nil, false
	}
	cond, args := "EXISTS (SELECT 1 "+waitingSQL+")", []any{uid}
	if kc, ka, ok := m.Kit.Waits(ctx, uid); ok {
		cond, args = kc+" OR "+cond, append(ka, uid)
	}
	return cond, args, true
}
