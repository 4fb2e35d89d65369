package content

import (
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/scope"
)

// SelectFunc is a type's query of the items v may see into dst
// (Type.Select, Type.ListSelect).
type SelectFunc = func(tx bun.IDB, v scope.Viewer, dst any) *bun.SelectQuery

// Selects makes a type's Select and ListSelect from its query reading the
// columns it is given: all of columns, and columns without alias.body.
func Selects(columns, alias string, query func(tx bun.IDB, v scope.Viewer, dst any, cols string) *bun.SelectQuery) (all, list SelectFunc) {
	brief := WithoutBody(columns, alias)
	return func(tx bun.IDB, v scope.Viewer, dst any) *bun.SelectQuery { return query(tx, v, dst, columns) },
		func(tx bun.IDB, v scope.Viewer, dst any) *bun.SelectQuery { return query(tx, v, dst, brief) }
}

// WithoutBody is a type's column list ("n.id, n.title, n.body, …") without
// alias.body: the columns of its list's rows (Type.ListSelect). It panics,
// when the package is loaded, on a list without that column, which would
// otherwise be read silently.
func WithoutBody(columns, alias string) string {
	body := " " + alias + ".body,"
	if strings.Count(columns, body) != 1 {
		panic("content.WithoutBody: no " + alias + ".body among " + columns)
	}
	return strings.Replace(columns, body, "", 1)
}
