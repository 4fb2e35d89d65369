package content

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/feed"
)

// waiting is what a task shows of an item.
type waiting struct {
	ID         int64     `bun:"id"`
	Title      string    `bun:"title"`
	AuthorName string    `bun:"author_name"`
	UpdatedAt  time.Time `bun:"updated_at"`
}

// Inbox lists the items waiting for uid's validation (for the inbox), the
// longest waiting first, at most limit: only the columns a task shows, the
// scope rules in the query, read through the type's index of the items
// waiting (news_waiting_idx …).
func (k *Kit[T, P]) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	a := k.Alias
	v := k.ViewerAs(ctx, uid)
	v.P = &db.Params{} // on every validator's dashboard: prepared, the same text for each (see db.Params)
	var rows []waiting
	sq := tx.NewSelect().TableExpr(k.Table+" AS "+a).ColumnExpr(a+".id, "+a+".title, "+a+".updated_at").
		ColumnExpr(auth.NameSQL("au")+" AS author_name").Join("LEFT JOIN users AS au ON au.id = "+a+".author_id").
		Where(a+".state = 'to_validate' AND "+a+".author_id IS DISTINCT FROM ?", v.P.Arg(uid))
	err := k.Visible(sq, v).OrderExpr(a+".updated_at, "+a+".id").Limit(int64(limit)).Conn(db.Bound(tx, v.P)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("%s to validate: %w", k.Table, err)
	}
	out := make([]feed.Task, 0, len(rows))
	for _, r := range rows {
		url := k.URL(r.ID)
		out = append(out, feed.Task{Label: k.Key + ".task.validate", Title: r.Title, Detail: r.AuthorName, URL: url, At: r.UpdatedAt,
			Actions: feed.Decide("workflow.action.approve", url+"/do/approve", "workflow.action.reject", url+"/do/reject")})
	}
	return out, nil
}

// moderators is the condition that the item aliased %[1]s is decided on
// by the viewer (?0 the member, ?1 whether they validate the type's items
// of the whole tenant): as community.Guard and the community roles'
// policies grant "validate", and as the scope rules show items waiting for
// validation, a community's items are its managers', the others the
// type's validators'.
const moderators = `((%[1]s.scope_kind <> 'communities' OR %[1]s.scope_communities = '{}') AND ?1
	OR %[1]s.scope_kind = 'communities' AND %[1]s.scope_communities && ARRAY(SELECT mc.community_id FROM community_members AS mc
		WHERE mc.user_id = ?0 AND mc.state = 'active' AND mc.role = 'manager'))`

// Moderated returns, by id, the items among ids that uid may see and whose
// comments uid moderates (for the comments' inbox), in one query.
func (k *Kit[T, P]) Moderated(ctx context.Context, tx bun.IDB, uid int64, ids []int64) (map[int64]Target, error) {
	out := map[int64]Target{}
	if uid == 0 || len(ids) == 0 {
		return out, nil
	}
	a, v := k.Alias, k.ViewerAs(ctx, uid)
	var rows []waiting
	sq := tx.NewSelect().TableExpr(k.Table+" AS "+a).ColumnExpr(a+".id, "+a+".title").
		Where(a+".id IN (?)", bun.In(ids)).Where(fmt.Sprintf(moderators, a), uid, v.Validator)
	if err := k.Visible(sq, v).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("%s moderated: %w", k.Table, err)
	}
	for _, r := range rows {
		out[r.ID] = Target{Title: r.Title, URL: k.URL(r.ID), Moderate: true}
	}
	return out, nil
}
