package membership

import (
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
)

// People narrows q, over the links aliased m, to group gid's links in
// states, with each person's name: leaders first, then by name.
func (s *Spec) People(q *bun.SelectQuery, gid int64, states ...string) *bun.SelectQuery {
	return q.ColumnExpr(auth.NameSQL("u")+" AS name").Join("JOIN users AS u ON u.id = m.user_id").
		Where("m.? = ? AND m.state IN (?)", bun.Ident(s.Column), gid, bun.List(states)).
		OrderExpr("m.role = ? DESC, lower(u.display_name), u.id", s.Lead).Limit(1000)
}

// Mine adds to q, over the groups aliased alias, uid's own link (my_role
// and my_state, "" for none, from the link aliased mm) and the number of
// the group's active people (as count).
func (s *Spec) Mine(q *bun.SelectQuery, alias, count string, uid int64) *bun.SelectQuery {
	g := bun.Ident(alias)
	return q.ColumnExpr("coalesce(mm.role, '') AS my_role, coalesce(mm.state, '') AS my_state").
		ColumnExpr("(SELECT count(*) FROM ? AS n WHERE n.? = ?.id AND n.state = 'active') AS ?",
			bun.Ident(s.Table), bun.Ident(s.Column), g, bun.Ident(count)).
		Join("LEFT JOIN ? AS mm ON mm.? = ?.id AND mm.user_id = ?", bun.Ident(s.Table), bun.Ident(s.Column), g, uid)
}
