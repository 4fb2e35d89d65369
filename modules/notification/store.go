package notification

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// markEmailed marks member uid's notifications not e-mailed yet as sent.
func markEmailed(ctx context.Context, tx bun.IDB, uid int64) error {
	if _, err := tx.ExecContext(ctx, "UPDATE notifications SET emailed_at = now() WHERE user_id = ? AND emailed_at IS NULL", uid); err != nil {
		return fmt.Errorf("mark notifications e-mailed: %w", err)
	}
	return nil
}
