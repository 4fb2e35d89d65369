package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"database/sql"
	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/secret"
)

// maxToken is longer than any token's secret.
const maxToken = 200

// Prefix starts every token's secret, so that a leaked one is recognised
// (by secret scanners too) for what it is.
const Prefix = "pzt_"

// The scopes of a token.
const (
	ScopeRead      = "read"
	ScopeReadWrite = "read write"
)

// ErrTokenNotFound is a token that is not the member's, or none.
var ErrTokenNotFound = platform.NewError(platform.ErrNotFound, "no such token")

// Token is a personal access token as its owner sees it (never its
// secret, which only its digest stands for).
type Token struct {
	bun.BaseModel `bun:"table:api_tokens,alias:k"`

	ID         int64      `bun:"id,pk,autoincrement"`
	UserID     int64      `bun:"user_id"`
	Name       string     `bun:"name"`
	Digest     []byte     `bun:"digest"`
	Hint       string     `bun:"hint"`
	Write      bool       `bun:"write"`
	ExpiresAt  *time.Time `bun:"expires_at"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`
	CreatedAt  time.Time  `bun:"created_at,nullzero,default:now()"`
}

// Scope is ScopeRead or ScopeReadWrite.
func (t *Token) Scope() string {
	if t.Write {
		return ScopeReadWrite
	}
	return ScopeRead
}

// Live says whether the token is accepted now: not revoked, not expired.
func (t *Token) Live(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || t.ExpiresAt.After(now))
}

// NewToken is what the form of a new token asks.
type NewToken struct {
	Name    string
	Scope   string
	Expires string // a date, "" for none
}

// check reads in into a token, adding to errs what is wrong: a name of 1
// to 100 characters, a known scope, an expiry that is a date after today
// and within five years.
func (in NewToken) check(now time.Time, errs form.Errors) *Token {
	t := &Token{Name: strings.Join(strings.Fields(in.Name), " ")}
	if n := len([]rune(t.Name)); n < 1 || n > 100 {
		errs.Add("name", "api.error.token_name")
	}
	switch in.Scope {
	case ScopeRead:
	case ScopeReadWrite:
		t.Write = true
	default:
		errs.Add("scope", "api.error.token_scope")
	}
	if in.Expires != "" {
		d, err := time.Parse(time.DateOnly, in.Expires)
		if err != nil || !d.After(now) || d.After(now.AddDate(5, 0, 0)) {
			errs.Add("expires", "api.error.token_expires")
		} else {
			t.ExpiresAt = &d
		}
	}
	return t
}

// createToken records a token of uid for t and returns its secret, which
// exists nowhere else from then on: 32 random bytes after Prefix.
func createToken(ctx context.Context, tx bun.IDB, uid int64, t *Token) (string, error) {
	s := Prefix + secret.Token(32)
	t.UserID, t.Digest, t.Hint = uid, secret.Digest(s), s[:len(Prefix)+4]
	if _, err := tx.NewInsert().Model(t).Column("user_id", "name", "digest", "hint", "write", "expires_at").
		Returning("id, created_at").Exec(ctx); err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	return s, nil
}

// tokensOf lists uid's tokens, newest first.
func tokensOf(ctx context.Context, tx bun.IDB, uid int64) ([]Token, error) {
	var ts []Token
	if err := tx.NewSelect().Model(&ts).ExcludeColumn("digest").Where("user_id = ?", uid).
		OrderExpr("created_at DESC, id DESC").Limit(200).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// revokeToken revokes uid's token id (a token revoked already stays as
// it was); ErrTokenNotFound when it is not theirs.
func revokeToken(ctx context.Context, tx bun.IDB, uid, id int64) (*Token, error) {
	t := new(Token)
	err := tx.NewUpdate().Model(t).Set("revoked_at = coalesce(revoked_at, now())").
		Where("id = ? AND user_id = ?", id, uid).Returning("id, name, write, revoked_at").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrTokenNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("revoke token: %w", err)
	}
	return t, nil
}

// bearer is who a request's token speaks for.
type bearer struct {
	User  *auth.User
	Token *Token
}

// errBadToken is a token that is unknown here (another tenant's, made
// up), revoked or expired, or whose member is no longer active.
var errBadToken = errors.New("token refused")

// lookup finds the live token whose secret is s, and its active member,
// marking it used (at most once a minute, so that reading does not write
// at every request).
func lookup(ctx context.Context, tx bun.IDB, s string, now time.Time) (bearer, error) {
	if !strings.HasPrefix(s, Prefix) || len(s) > maxToken {
		return bearer{}, errBadToken
	}
	digest := secret.Digest(s)
	t := new(Token)
	err := tx.NewSelect().Model(t).Where("digest = ?", digest).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return bearer{}, errBadToken
	}
	if err != nil {
		return bearer{}, fmt.Errorf("token: %w", err)
	}
	if subtle.ConstantTimeCompare(t.Digest, digest) != 1 || !t.Live(now) {
		return bearer{}, errBadToken
	}
	u, err := auth.UserByID(ctx, tx, t.UserID)
	if errors.Is(err, auth.ErrUserNotFound) || err == nil && u.Status != "active" {
		return bearer{}, errBadToken
	}
	if err != nil {
		return bearer{}, err
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if _, err := tx.NewUpdate().Model(t).Set("last_used_at = ?", now).WherePK().Exec(ctx); err != nil {
			return bearer{}, fmt.Errorf("token used: %w", err)
		}
	}
	return bearer{User: u, Token: t}, nil
}
