package partnership

import (
	"context"
	"html/template"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/search"
)

// Search is the kit's search of profiles (search.Source), none when the
// module is off.
func (m *Module) Search(ctx context.Context, tx bun.IDB, q search.Query, uid int64) ([]search.Hit, error) {
	if off(ctx) {
		return nil, nil
	}
	return m.Kit.Search(ctx, tx, q, uid)
}

// Snippets are the kit's.
func (m *Module) Snippets(ctx context.Context, tx bun.IDB, words string, ids []int64) (map[int64]template.HTML, error) {
	return m.Kit.Snippets(ctx, tx, words, ids)
}
