package community

import (
	"context"

	"github.com/uptrace/bun"
)

// ForgetMailOverrides drops the member's own e-mail frequency in every
// community, so that their profile's (off, after an unsubscribe) applies.
func ForgetMailOverrides(ctx context.Context, tx bun.IDB, userID int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE community_members SET notify_frequency = NULL WHERE user_id = ?", userID)
	return err
}
