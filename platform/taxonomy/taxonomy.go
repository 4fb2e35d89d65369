// Package taxonomy is what content and people are classified by: the eight
// S3 themes every tenant has (named by the interface under theme.<key>) and
// the tags a tenant's admins add, in trees or free.
package taxonomy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/form"
)

// Themes are the keys of the S3 themes, in their order.
var Themes = []string{"aerospace", "agrifood", "eco_industries", "creative_cultural",
	"health", "advanced_manufacturing", "sustainable_mobility", "smart_communities"}

// KnownThemes keeps the known themes of keys, in the themes' order.
func KnownThemes(keys []string) []string {
	var out []string
	for _, t := range Themes {
		if slices.Contains(keys, t) {
			out = append(out, t)
		}
	}
	return out
}

// Tag is a tenant's tag; a tag with a parent belongs to that parent's tree.
type Tag struct {
	bun.BaseModel `bun:"table:tags,alias:t"`

	ID       int64  `bun:"id,pk,autoincrement"`
	ParentID *int64 `bun:"parent_id"`
	Name     string `bun:"name"`
	// Path is the names from the root, "Energia / Idrogeno".
	Path string `bun:"path,scanonly"`
}

// ErrTagExists is a tag named like another under the same parent.
var ErrTagExists = platform.NewKeyedError(platform.ErrConflict, "taxonomy.error.exists", "a tag with this name exists")

// Tags lists the tenant's tags, each with its path, ordered by path.
func Tags(ctx context.Context, tx bun.IDB) ([]Tag, error) {
	var tags []Tag
	err := tx.NewRaw(`WITH RECURSIVE tree AS (
		SELECT id, parent_id, name, name AS path FROM tags WHERE parent_id IS NULL
		UNION ALL
		SELECT t.id, t.parent_id, t.name, tree.path || ' / ' || t.name FROM tags t JOIN tree ON t.parent_id = tree.id)
		SELECT * FROM tree ORDER BY lower(path)`).Scan(ctx, &tags)
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	return tags, nil
}

// AddTag adds a tag (under parent when not 0).
func AddTag(ctx context.Context, tx bun.IDB, name string, parent int64) (*Tag, error) {
	errs := form.Errors{}
	name = strings.Join(strings.Fields(name), " ")
	if n := len([]rune(name)); n < 1 || n > 80 {
		errs.Add("name", "taxonomy.error.name")
	}
	t := &Tag{Name: name}
	if parent != 0 {
		t.ParentID = &parent
		if ok, err := tx.NewSelect().Table("tags").Where("id = ?", parent).Exists(ctx); err != nil {
			return nil, err
		} else if !ok {
			errs.Add("parent", "taxonomy.error.parent")
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	_, err := tx.NewInsert().Model(t).Exec(ctx)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return nil, ErrTagExists
	}
	if err != nil {
		return nil, fmt.Errorf("add tag: %w", err)
	}
	return t, nil
}

// RemoveTag removes a tag and its subtree.
func RemoveTag(ctx context.Context, tx bun.IDB, id int64) error {
	res, err := tx.NewDelete().Table("tags").Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("remove tag: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return platform.NewError(platform.ErrNotFound, "no such tag")
	}
	return nil
}

// KnownTags keeps the ids of existing tags.
func KnownTags(ctx context.Context, tx bun.IDB, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []int64
	err := tx.NewSelect().Table("tags").Column("id").Where("id IN (?)", bun.List(ids)).Order("id").Scan(ctx, &out)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return out, err
}
