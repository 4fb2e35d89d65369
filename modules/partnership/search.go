package partnership

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/search"
)

// Search is the kit's search of profiles (search.Source), none when the
// module is off.
func (m *Module) Search(ctx context.Context, tx bun.IDB, q search.Query, uid int64) (*search.Part, error) {
	if off(ctx) {
		return nil, nil
	}
	return m.Kit.Search(ctx, tx, q, uid)
}
