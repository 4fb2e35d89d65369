// Package session keeps server-side sessions in PostgreSQL: a random 256-bit
// token in a host-only, HttpOnly cookie, its SHA-256 in the database, an idle
// and an absolute expiry. Tenant users' sessions live in the tenant's schema
// (run the Store inside the tenant transaction); operators' in the control
// schema.
package session

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	pdb "github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/secret"
)

// ErrNoSession means the token names no live session.
var ErrNoSession = platform.NewError(platform.ErrNotFound, "no session")

// Session is one signed-in browser.
type Session struct {
	bun.BaseModel `bun:"alias:s"`

	TokenHash  []byte    `bun:"token_hash,pk"`
	UserID     int64     `bun:"user_id"`
	CreatedAt  time.Time `bun:"created_at,nullzero,default:now()"`
	LastSeenAt time.Time `bun:"last_seen_at,nullzero,default:now()"`
	ExpiresAt  time.Time `bun:"expires_at"`
	ClientAddr string    `bun:"client_addr"`
	UserAgent  string    `bun:"user_agent"`
	Method     string    `bun:"method"`
	IDToken    string    `bun:"id_token,nullzero"`
}

// Store reads and writes one sessions table.
type Store struct {
	table    string
	idle     time.Duration
	absolute time.Duration
	now      func() time.Time
}

// Tenant is the store of a tenant's users' sessions (unqualified table: run
// it in the tenant transaction).
func Tenant(idle, absolute time.Duration) *Store {
	return &Store{table: "sessions", idle: idle, absolute: absolute, now: time.Now}
}

// Operator is the store of the operators' sessions.
func Operator(idle, absolute time.Duration) *Store {
	return &Store{table: "piazza.operator_sessions", idle: idle, absolute: absolute, now: time.Now}
}

// Create starts a session for userID and returns its token (for the cookie).
func (s *Store) Create(ctx context.Context, db bun.IDB, sess *Session) (string, error) {
	token := secret.Token(32)
	sess.TokenHash = secret.Digest(token)
	sess.ExpiresAt = s.now().Add(s.absolute)
	if sess.Method == "" {
		sess.Method = "local"
	}
	if _, err := db.NewInsert().Model(sess).ModelTableExpr(s.table).Exec(ctx); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// Lookup returns the live session of token, refreshing its idle timer at
// most every touchEvery. An expired session is deleted.
func (s *Store) Lookup(ctx context.Context, db bun.IDB, token string) (*Session, error) {
	return s.lookup(ctx, db, token, false)
}

// LookupLazily is Lookup for a transaction that writes nothing else: the
// refresh of the idle timer commits without waiting for the disk (lost in a
// crash, it costs nothing), so the request that makes it does not wait.
func (s *Store) LookupLazily(ctx context.Context, db bun.IDB, token string) (*Session, error) {
	return s.lookup(ctx, db, token, true)
}

func (s *Store) lookup(ctx context.Context, db bun.IDB, token string, lazily bool) (*Session, error) {
	if len(token) != 43 {
		return nil, ErrNoSession
	}
	sess := new(Session)
	err := db.NewSelect().Conn(pdb.Prepared(db, secret.Digest(token))).Model(sess).ModelTableExpr(s.table + " AS s").Where("token_hash = $1").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("look up session: %w", err)
	}
	now := s.now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > s.idle {
		_ = s.delete(ctx, db, "token_hash = ?", sess.TokenHash)
		return nil, ErrNoSession
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		sess.LastSeenAt = now
		if lazily {
			if _, err := db.ExecContext(ctx, "SELECT set_config('synchronous_commit', 'off', true)"); err != nil {
				return nil, fmt.Errorf("touch session: %w", err)
			}
		}
		_, err := db.NewUpdate().ModelTableExpr(s.table).Set("last_seen_at = ?", now).Where("token_hash = ?", sess.TokenHash).Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
	}
	return sess, nil
}

// touchEvery is how often a session in use has its idle timer refreshed
// (so a session ends between its idle time and that much less after its
// last use).
const touchEvery = 5 * time.Minute

// TrustUntil is until when sess, just looked up, may be taken as live
// without another lookup: its expiry, or when its idle timer is next due
// for a refresh — after touchEvery and a share of it of its own (from its
// token), so that sessions first seen together are not all refreshed
// together ever after.
func (s *Store) TrustUntil(sess *Session) time.Time {
	phase := time.Duration(0)
	if len(sess.TokenHash) > 0 {
		phase = touchEvery * time.Duration(sess.TokenHash[0]) / 256
	}
	until := sess.LastSeenAt.Add(min(touchEvery+phase, s.idle))
	if sess.ExpiresAt.Before(until) {
		return sess.ExpiresAt
	}
	return until
}

// Delete ends the session of token (sign out).
func (s *Store) Delete(ctx context.Context, db bun.IDB, token string) error {
	return s.delete(ctx, db, "token_hash = ?", secret.Digest(token))
}

// DeleteUser ends every session of a user (sign out everywhere, or an
// operator revoking them).
func (s *Store) DeleteUser(ctx context.Context, db bun.IDB, userID int64) error {
	return s.delete(ctx, db, "user_id = ?", userID)
}

// DeleteExpired removes sessions past their absolute expiry.
func (s *Store) DeleteExpired(ctx context.Context, db bun.IDB) error {
	return s.delete(ctx, db, "expires_at < ?", s.now())
}

func (s *Store) delete(ctx context.Context, db bun.IDB, where string, arg any) error {
	if _, err := db.NewDelete().ModelTableExpr(s.table).Where(where, arg).Exec(ctx); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// TokenHash is the stored form of a token (used to bind CSRF tokens).
func TokenHash(token string) []byte { return secret.Digest(token) }
