package profile

import (
	"context"

	"github.com/uptrace/bun"
)

// MuteMail turns off the member's e-mails in their profile (the
// unsubscribe link's step in the profile's own table).
func MuteMail(ctx context.Context, tx bun.IDB, userID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO profiles (user_id, notify_frequency) VALUES (?, 'off')
		ON CONFLICT (user_id) DO UPDATE SET notify_frequency = 'off', updated_at = now()`, userID)
	return err
}
