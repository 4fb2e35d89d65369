package membership

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
)

// People narrows q, over the links aliased m, to all of group gid's links
// in states, with each person's name: leaders first, then by name. It is
// for work on the whole group (who is in a work group already); a page
// shows a list's people a page at a time (Page).
func (s *Spec) People(q *bun.SelectQuery, gid int64, states ...string) *bun.SelectQuery {
	return q.ColumnExpr(auth.NameSQL("u")+" AS name").Join("JOIN users AS u ON u.id = m.user_id").
		Where("m.? = ? AND m.state IN (?)", bun.Ident(s.Column), gid, bun.List(states)).
		OrderExpr("m.role = ? DESC, "+order.Key+", u.id", s.Lead)
}

// Mine adds to q, over the groups aliased alias, uid's own link (my_role
// and my_state, "" for none, from the link aliased mm) and the number of
// the group's active people (as count).
func (s *Spec) Mine(q *bun.SelectQuery, alias, count string, uid int64) *bun.SelectQuery {
	return s.Own(q, alias, uid).ColumnExpr("(SELECT count(*) FROM ? AS n WHERE n.? = ?.id AND n.state = 'active') AS ?",
		bun.Ident(s.Table), bun.Ident(s.Column), bun.Ident(alias), bun.Ident(count))
}

// Own adds to q, over the groups aliased alias, uid's own link (my_role
// and my_state, "" for none, from the link aliased mm): Mine without the
// count, for lists that count a page's groups at once (Counts).
func (s *Spec) Own(q *bun.SelectQuery, alias string, uid int64) *bun.SelectQuery {
	g := bun.Ident(alias)
	return q.ColumnExpr("coalesce(mm.role, '') AS my_role, coalesce(mm.state, '') AS my_state").
		Join("LEFT JOIN ? AS mm ON mm.? = ?.id AND mm.user_id = ?", bun.Ident(s.Table), bun.Ident(s.Column), g, uid)
}

// Counts returns the number of active people of each of the groups ids
// (none: absent), in one grouped query.
func (s *Spec) Counts(ctx context.Context, tx bun.IDB, ids []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID int64 `bun:"id"`
		N  int   `bun:"n"`
	}
	err := tx.NewSelect().TableExpr("? AS n", bun.Ident(s.Table)).ColumnExpr("n.? AS id, count(*) AS n", bun.Ident(s.Column)).
		Where("n.? IN (?) AND n.state = 'active'", bun.Ident(s.Column), bun.List(ids)).GroupExpr("n.?", bun.Ident(s.Column)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count %s: %w", s.Groups, err)
	}
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}
