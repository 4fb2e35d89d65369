package discussion

import (
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/scope"
)

// ContentType is the discussions' content type.
const ContentType = "discussion"

// ErrNotFound is a topic that does not exist or the viewer may not see.
var ErrNotFound = platform.NewError(platform.ErrNotFound, "no such discussion")

// Topic is a discussion's opening post; its replies are comments.
type Topic struct {
	bun.BaseModel `bun:"table:discussions,alias:d"`

	content.Base
	Closed bool `bun:"closed"`

	Replies int `bun:"replies,scanonly"`
}

const columns = `d.id, d.title, d.body, d.language, d.state, d.closed, d.author_id, d.published_at, d.created_at, d.updated_at,
	d.scope_kind, d.scope_themes, d.scope_tags, d.scope_communities, d.scope_organizations, d.public`

// selectFor is the query of the topics v may see, with their count of
// replies; the scope rules are part of the query.
// selectList is the same without the body, for the list's pages.
var selectFor, selectList = content.Selects(columns, "d", func(tx bun.IDB, v scope.Viewer, dst any, cols string) *bun.SelectQuery {
	q := tx.NewSelect().Model(dst).ColumnExpr(cols).
		ColumnExpr(auth.NameSQL("u") + " AS author_name").
		ColumnExpr("(SELECT count(*) FROM comments AS r WHERE r.content_type = 'discussion' AND r.item_id = d.id AND r.state = 'published') AS replies").
		Join("LEFT JOIN users AS u ON u.id = d.author_id")
	return visible(q, v)
})

// visible keeps, of the query q on discussions AS d, what v may see.
func visible(q *bun.SelectQuery, v scope.Viewer) *bun.SelectQuery { return scope.Filter(q, "d", v) }
