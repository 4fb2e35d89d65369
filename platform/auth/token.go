package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/secret"
)

// ErrBadLink: the link is unknown, used already or expired (one message for
// all three, so that a guess learns nothing).
var ErrBadLink = platform.NewKeyedError(platform.ErrInvalid, "auth.error.bad_link", "this link is not valid any more: ask for a new one")

// The purposes of e-mailed links.
const (
	PurposeVerify = "verify_email"
	PurposeReset  = "reset_password"
	PurposeInvite = "invite"
)

// newLinkToken stores a single-use token for user and purpose and returns it.
func newLinkToken(ctx context.Context, tx bun.IDB, userID int64, purpose string, expires time.Time) (string, error) {
	token := secret.Token(32)
	_, err := tx.ExecContext(ctx, "INSERT INTO auth_tokens (token_hash, purpose, user_id, expires_at) VALUES (?, ?, ?, ?)",
		secret.Digest(token), purpose, userID, expires)
	if err != nil {
		return "", fmt.Errorf("store link token: %w", err)
	}
	return token, nil
}

// useLinkToken consumes token for purpose and returns its user's id.
func useLinkToken(ctx context.Context, tx bun.IDB, token, purpose string, now time.Time) (int64, error) {
	var userID int64
	err := tx.NewRaw(`UPDATE auth_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ?
		AND used_at IS NULL AND expires_at > ? RETURNING user_id`, now, secret.Digest(token), purpose, now).Scan(ctx, &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrBadLink
	}
	if err != nil {
		return 0, fmt.Errorf("use link token: %w", err)
	}
	return userID, nil
}
