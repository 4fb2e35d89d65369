package discussion

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/piazza-pa/piazza/platform/auth"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/workflow"
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

// Item is the topic's name in the workflow.
func (t *Topic) Item() workflow.Item {
	return workflow.Item{Type: ContentType, Table: "discussions", ID: t.ID}
}

const columns = `d.id, d.title, d.body, d.language, d.state, d.closed, d.author_id, d.published_at, d.created_at, d.updated_at,
	d.scope_kind, d.scope_themes, d.scope_tags, d.scope_communities, d.scope_organizations, d.public`

func selectFor(tx bun.IDB, v scope.Viewer, dst any) *bun.SelectQuery {
	q := tx.NewSelect().Model(dst).ColumnExpr(columns).
		ColumnExpr(auth.NameSQL("u") + " AS author_name").
		ColumnExpr("(SELECT count(*) FROM comments AS r WHERE r.content_type = 'discussion' AND r.item_id = d.id AND r.state = 'published') AS replies").
		Join("LEFT JOIN users AS u ON u.id = d.author_id")
	return scope.Filter(q, "d", v)
}

// List returns the topics v may see, newest first.
func List(ctx context.Context, tx bun.IDB, v scope.Viewer, community int64, limit int) ([]Topic, error) {
	var ts []Topic
	q := selectFor(tx, v, &ts)
	if community != 0 {
		q = q.Where("d.scope_kind = 'communities' AND ? = ANY (d.scope_communities)", community)
	}
	if err := q.OrderExpr("coalesce(d.published_at, d.created_at) DESC, d.id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list discussions: %w", err)
	}
	return ts, nil
}

// Get returns a topic v may see.
func Get(ctx context.Context, tx bun.IDB, v scope.Viewer, id int64) (*Topic, error) {
	t := new(Topic)
	err := selectFor(tx, v, t).Where("d.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get discussion: %w", err)
	}
	return t, nil
}

func insert(ctx context.Context, tx bun.IDB, t *Topic) error {
	if _, err := tx.NewInsert().Model(t).Returning("id, created_at").Exec(ctx); err != nil {
		return fmt.Errorf("create discussion: %w", err)
	}
	return nil
}

// published stamps the first publication of a topic and announces it.
func published(ctx context.Context, tx bun.IDB, id int64) error {
	var t Topic
	err := tx.NewUpdate().Model(&t).Set("published_at = coalesce(published_at, now())").Where("id = ?", id).
		Returning("id, title, author_id, scope_kind, scope_themes, scope_tags, scope_communities, scope_organizations, public").Scan(ctx)
	if err != nil {
		return fmt.Errorf("publish discussion: %w", err)
	}
	return notify.Announce(ctx, tx, &notify.Event{ContentType: ContentType, ItemID: t.ID, Title: t.Title,
		URL: "/discussions/" + strconv.FormatInt(t.ID, 10), AuthorID: t.AuthorID, Scope: t.Scope})
}
