package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Throttle counts failed sign-ins per account and per client address in a
// table (key, at) over a sliding window, and refuses past the limits.
type Throttle struct {
	// Table is "auth_failures" (a tenant's, in its transaction) or
	// "piazza.operator_auth_failures".
	Table         string
	Window        time.Duration
	MaxPerAccount int
	MaxPerAddr    int
	Now           func() time.Time
}

func (th *Throttle) now() time.Time {
	if th.Now != nil {
		return th.Now()
	}
	return time.Now()
}

// Keys are the throttling keys of an attempt.
func Keys(email, clientAddr string) []string {
	return []string{"account:" + strings.ToLower(strings.TrimSpace(email)), "addr:" + clientAddr}
}

// Check returns ErrThrottled when the account or the address has failed too
// often within the window.
func (th *Throttle) Check(ctx context.Context, db bun.IDB, keys []string) error {
	since := th.now().Add(-th.Window)
	limits := []int{th.MaxPerAccount, th.MaxPerAddr}
	for i, k := range keys {
		var n int
		err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+th.Table+" WHERE key = ? AND at > ?", k, since).Scan(&n)
		if err != nil {
			return fmt.Errorf("count failures: %w", err)
		}
		if i < len(limits) && n >= limits[i] {
			return ErrThrottled
		}
	}
	return nil
}

// Fail records a failure (commit it even though the attempt failed) and
// forgets failures older than a day.
func (th *Throttle) Fail(ctx context.Context, db bun.IDB, keys []string) error {
	for _, k := range keys {
		if _, err := db.ExecContext(ctx, "INSERT INTO "+th.Table+" (key, at) VALUES (?, ?)", k, th.now()); err != nil {
			return fmt.Errorf("record failure: %w", err)
		}
	}
	_, err := db.ExecContext(ctx, "DELETE FROM "+th.Table+" WHERE at < ?", th.now().Add(-24*time.Hour))
	return err
}
