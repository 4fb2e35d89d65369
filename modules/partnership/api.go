package partnership

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// OwnInterests are the interests the member of ctx expressed in
// partnership profiles, newest first (their own only, even for an
// advisor): for the open API's /me/interests.
func (m *Module) OwnInterests(ctx context.Context) (is []Interest, err error) {
	uid := uidOf(ctx)
	err = m.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := interestsFor(tx, readerOf(ctx, uid), &is, uid).Where("i.author_id = $3").
			OrderExpr("i.created_at DESC, i.id DESC").Limit(1000).Scan(ctx); err != nil {
			return fmt.Errorf("own interests: %w", err)
		}
		return nil
	})
	return is, err
}
