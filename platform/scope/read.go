package scope

import (
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// The conditions of FilterRead: those of Filter where a closed item is
// read as a published one.
var (
	visibleRead       = readClosed(visible)
	visibleArraysRead = readClosed(visibleArrays)
)

// readClosed is the condition cond with closed items published.
func readClosed(cond string) string {
	return strings.ReplaceAll(cond, "%[1]s.state = 'published'", "%[1]s.state IN ('published', 'closed')")
}

// FilterRead is Filter for a content type whose closed items (state
// "closed": they take no more answers, such as a proposal past its closing
// date) stay readable by whom they were published for.
func FilterRead(q *bun.SelectQuery, alias string, v Viewer) *bun.SelectQuery {
	if m := v.M; m != nil && m.UserID == v.UserID {
		return q.Where(fmt.Sprintf(visibleArraysRead, alias), arrays(alias, v, m)...)
	}
	return q.Where(fmt.Sprintf(visibleRead, alias, "?0", "?1"), v.P.Arg(v.UserID), v.P.Arg(v.Validator))
}
