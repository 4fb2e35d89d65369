package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Throttle counts sign-in attempts per account and per client address in a
// table (key, at) over a sliding window, and refuses past the limits. An
// attempt is counted before its password is checked (Take) and uncounted
// when it succeeds, so that concurrent attempts cannot outrun the limits.
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

// Attempt is a sign-in attempt counted by Take: a failure unless Succeeded
// says otherwise.
type Attempt struct {
	keys []string
	at   time.Time
}

// Take counts an attempt for keys (as Keys gives them), or returns
// ErrThrottled, counting nothing, when a key is at its limit. Commit tx
// before checking the password: the committed count is what bounds the
// attempts checked at once. Concurrent Takes on a key wait for each other
// (a lock per key until tx ends), so each sees the others' counts.
func (th *Throttle) Take(ctx context.Context, tx bun.Tx, keys []string) (*Attempt, error) {
	for _, k := range slices.Sorted(slices.Values(keys)) { // one order: no deadlock
		_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ' ' || ? || ' ' || ?, 0))", th.Table, k)
		if err != nil {
			return nil, fmt.Errorf("lock attempts: %w", err)
		}
	}
	// At read committed (PostgreSQL's default), each statement from here
	// reads a snapshot taken after the locks: it holds every attempt
	// committed by whoever held them before.
	a := &Attempt{keys: keys, at: th.now().Truncate(time.Microsecond)}
	if err := th.over(ctx, tx, keys, a.at); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+th.Table+" (key, at) VALUES (?, ?)", k, a.at); err != nil {
			return nil, fmt.Errorf("count attempt: %w", err)
		}
	}
	return a, nil
}

// Succeeded uncounts a successful attempt.
func (th *Throttle) Succeeded(ctx context.Context, db bun.IDB, a *Attempt) error {
	for _, k := range a.keys {
		_, err := db.ExecContext(ctx, "DELETE FROM "+th.Table+" WHERE ctid IN (SELECT ctid FROM "+th.Table+
			" WHERE key = ? AND at = ? LIMIT 1)", k, a.at)
		if err != nil {
			return fmt.Errorf("uncount attempt: %w", err)
		}
	}
	return nil
}

// Failed keeps a failed attempt counted and forgets attempts older than a
// day.
func (th *Throttle) Failed(ctx context.Context, db bun.IDB, _ *Attempt) error {
	_, err := db.ExecContext(ctx, "DELETE FROM "+th.Table+" WHERE at < ?", th.now().Add(-24*time.Hour))
	if err != nil {
		return fmt.Errorf("forget old attempts: %w", err)
	}
	return nil
}

// over returns ErrThrottled when a key has reached its limit of attempts
// within the window.
func (th *Throttle) over(ctx context.Context, db bun.IDB, keys []string, now time.Time) error {
	since := now.Add(-th.Window)
	limits := []int{th.MaxPerAccount, th.MaxPerAddr}
	for i, k := range keys {
		var n int
		err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+th.Table+" WHERE key = ? AND at > ?", k, since).Scan(&n)
		if err != nil {
			return fmt.Errorf("count attempts: %w", err)
		}
		if i < len(limits) && n >= limits[i] {
			return ErrThrottled
		}
	}
	return nil
}
