package news

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/scope"
)

// ContentType is the news' content type in the workflow and the
// authorisation objects ("content/news").
const ContentType = "news"

// ErrNotFound is a news item that does not exist or the viewer may not see.
var ErrNotFound = platform.NewError(platform.ErrNotFound, "no such news item")

// News is a news item.
type News struct {
	bun.BaseModel `bun:"table:news,alias:n"`

	content.Base
	Summary      string     `bun:"summary"`
	Subtitle     string     `bun:"subtitle"`
	Category     string     `bun:"category"`
	InEvidence   bool       `bun:"in_evidence"`
	PublishFrom  *time.Time `bun:"publish_from"`
	PublishUntil *time.Time `bun:"publish_until"`
	Related      []int64    `bun:"related,array"`
	// ImageID is the item's picture (one of its image attachments), shown
	// with ImageAlt; ImageName is the file's name (for its address).
	ImageID   *int64 `bun:"image_id"`
	ImageAlt  string `bun:"image_alt"`
	ImageName string `bun:"image_name,scanonly"`
}

// IsImage reports whether attachment id is the item's picture.
func (n *News) IsImage(id int64) bool { return n.ImageID != nil && *n.ImageID == id }

// ImageURL is the address of the item's picture, "" for none.
func (n *News) ImageURL() string {
	if n.ImageID == nil || n.ImageName == "" {
		return ""
	}
	return "/files/" + strconv.FormatInt(*n.ImageID, 10) + "/" + url.PathEscape(n.ImageName)
}

// FeedAt is the date the item shows under: its scheduled publication,
// else its publication, else its creation.
func (n *News) FeedAt() time.Time {
	if n.PublishFrom != nil {
		return *n.PublishFrom
	}
	return n.When()
}

// columns are the news' columns a page reads (not the search vector).
const columns = `n.id, n.title, n.summary, n.body, n.language, n.state, n.author_id, n.published_at, n.created_at, n.updated_at,
	n.subtitle, n.category, n.in_evidence, n.publish_from, n.publish_until, n.related,
	n.scope_kind, n.scope_themes, n.scope_tags, n.scope_communities, n.scope_organizations, n.public, n.image_id, n.image_alt`

// selectFor is the query of the news v may see; the scope rules and the
// publication window are part of the query.
// selectList is the same without the body, for the list's pages.
var selectFor, selectList = content.Selects(columns, "n", func(tx bun.IDB, v scope.Viewer, dst any, cols string) *bun.SelectQuery {
	q := tx.NewSelect().Model(dst).ColumnExpr(cols).
		ColumnExpr(auth.NameSQL("u") + " AS author_name").
		Join("LEFT JOIN users AS u ON u.id = n.author_id").
		ColumnExpr("img.name AS image_name").
		Join("LEFT JOIN attachments AS img ON img.id = n.image_id")
	return visible(q, v)
})

// visible keeps, of the query q on news AS n, what v may see.
func visible(q *bun.SelectQuery, v scope.Viewer) *bun.SelectQuery {
	return scope.Filter(q, "n", v).Where(window, v.P.Arg(v.UserID), v.P.Arg(v.Validator))
}

func update(ctx context.Context, tx bun.IDB, n *News) error {
	_, err := tx.NewUpdate().Model(n).
		Column("title", "summary", "body", "language", "subtitle", "category", "in_evidence", "publish_from", "publish_until", "related", "scope_kind", "scope_themes", "scope_tags", "scope_communities", "scope_organizations", "public", "image_id", "image_alt").
		Set("updated_at = now()").WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("save news: %w", err)
	}
	return nil
}

// Attached makes an image attached to an item without a picture its
// picture (the editor can choose another, or none, in the form).
func (m *Module) Attached(ctx context.Context, tx bun.IDB, a *attachment.Attachment) error {
	if !a.Image() || a.CommentID != nil {
		return nil
	}
	_, err := tx.NewUpdate().Table("news").Set("image_id = ?", a.ID).Where("id = ? AND image_id IS NULL", a.ItemID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("news picture: %w", err)
	}
	return nil
}

// checkImage refuses a picture that is not an image attached to n itself.
func checkImage(ctx context.Context, tx bun.IDB, n *News, errs form.Errors) error {
	if n.ImageID == nil {
		return nil
	}
	ok, err := tx.NewSelect().Table("attachments").
		Where("id = ? AND content_type = ? AND item_id = ? AND comment_id IS NULL AND mime LIKE 'image/%'", *n.ImageID, ContentType, n.ID).Exists(ctx)
	if err != nil {
		return fmt.Errorf("check news picture: %w", err)
	}
	if !ok {
		errs.Add("image_id", "news.error.image")
	}
	return nil
}
