package partnership

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// The keyword → theme mapping: a tenant's admins say which S3 theme a
// technology or market code, or a free word, stands for; an import gives
// each profile the themes of its keywords (matched in lower case), and
// the mapping can be applied again to every profile.

// Mapping is one row of the mapping.
type Mapping struct {
	bun.BaseModel `bun:"table:partnership_keywords,alias:k"`

	ID        int64     `bun:"id,pk,autoincrement"`
	Keyword   string    `bun:"keyword"`
	Theme     string    `bun:"theme"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()"`
}

// Errors of the mapping.
var (
	ErrMapped = platform.NewKeyedError(platform.ErrConflict, "partnership.error.mapped",
		"this keyword gives this theme already")
	ErrMappingNotFound = platform.NewError(platform.ErrNotFound, "no such row of the keyword mapping")
)

// Mappings lists the mapping, by keyword then theme.
func Mappings(ctx context.Context, tx bun.IDB) ([]Mapping, error) {
	var ms []Mapping
	if err := tx.NewSelect().Model(&ms).Order("keyword", "theme").Scan(ctx); err != nil {
		return nil, fmt.Errorf("keyword mapping: %w", err)
	}
	return ms, nil
}

// newMapping reads a row of the mapping from its fields and checks it: a
// keyword of 1 to 100 characters (kept in lower case), a known theme.
func newMapping(keyword, theme string) (*Mapping, form.Errors) {
	m := &Mapping{Keyword: strings.ToLower(strings.Join(strings.Fields(keyword), " ")), Theme: theme}
	errs := form.Errors{}
	if n := utf8.RuneCountInString(m.Keyword); n < 1 || n > 100 {
		errs.Add("keyword", "partnership.error.keyword")
	}
	if !slices.Contains(taxonomy.Themes, theme) {
		errs.Add("theme", "partnership.error.theme")
	}
	return m, errs
}

// AddMapping adds keyword → theme (refused when the row exists).
func AddMapping(ctx context.Context, tx bun.IDB, keyword, theme string) (*Mapping, error) {
	m, errs := newMapping(keyword, theme)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	_, err := tx.NewInsert().Model(m).Returning("id, created_at").Exec(ctx)
	if db.IsUnique(err) {
		return nil, ErrMapped
	}
	if err != nil {
		return nil, fmt.Errorf("add to the keyword mapping: %w", err)
	}
	return m, nil
}

// RemoveMapping removes row id of the mapping.
func RemoveMapping(ctx context.Context, tx bun.IDB, id int64) error {
	res, err := tx.NewDelete().Model((*Mapping)(nil)).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("remove from the keyword mapping: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrMappingNotFound
	}
	return nil
}

// mappingSQL gives the profiles of condition %s the themes their keywords
// map to (in the themes' order), where they differ, and returns their ids.
const mappingSQL = `UPDATE partnerships AS pa SET themes = m.themes, updated_at = now()
	FROM (SELECT p2.id, ARRAY(SELECT t.key FROM themes AS t WHERE t.key IN (
			SELECT k.theme FROM partnership_keywords AS k WHERE k.keyword = ANY (p2.match_words)) ORDER BY t.position) AS themes
		FROM partnerships AS p2 WHERE %s) AS m
	WHERE pa.id = m.id AND pa.themes IS DISTINCT FROM m.themes
	RETURNING pa.id`

// applyMapping gives the profiles refs (nil: every profile) the themes of
// their keywords and returns the ids of those whose themes changed.
func applyMapping(ctx context.Context, tx bun.IDB, refs []string) ([]int64, error) {
	var ids []int64
	q := tx.NewRaw(fmt.Sprintf(mappingSQL, "true"))
	if refs != nil {
		q = tx.NewRaw(fmt.Sprintf(mappingSQL, "p2.reference = ANY (?)"), pgdialect.Array(refs))
	}
	if err := q.Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("apply the keyword mapping: %w", err)
	}
	return ids, nil
}

// ApplyMapping gives every profile the themes of its keywords and says how
// many changed.
func ApplyMapping(ctx context.Context, tx bun.IDB) (int, error) {
	ids, err := applyMapping(ctx, tx, nil)
	return len(ids), err
}
