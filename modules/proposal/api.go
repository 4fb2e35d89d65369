package proposal

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// OwnInterests are the expressions of interest of the member of ctx, in
// every proposal, newest first (their own only, whatever else they may
// read as a proposer or facilitator): for the open API's /me/interests.
func (m *Module) OwnInterests(ctx context.Context) (is []Interest, err error) {
	uid := uidOf(ctx)
	err = m.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := interestsFor(tx, readerOf(ctx, uid), &is, uid).Where("i.author_id = $3").
			OrderExpr("i.created_at DESC, i.id DESC").Limit(1000).Scan(ctx); err != nil {
			return fmt.Errorf("own expressions of interest: %w", err)
		}
		return nil
	})
	return is, err
}
