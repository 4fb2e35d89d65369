// Package auth signs people in to a tenant: local accounts (registration,
// e-mail verification, password sign-in with throttling, reset), and the
// users table they land in. Everything runs inside the tenant's transaction.
package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/db"
)

// ErrUserNotFound: no such user in this tenant.
var ErrUserNotFound = platform.NewError(platform.ErrNotFound, "no such user")

// User is one person of a tenant.
type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID              int64      `bun:"id,pk,autoincrement"`
	Email           string     `bun:"email"`
	DisplayName     string     `bun:"display_name"`
	GivenName       string     `bun:"given_name"`
	FamilyName      string     `bun:"family_name"`
	FiscalNumber    string     `bun:"fiscal_number,nullzero"`
	Locale          string     `bun:"locale"`
	Status          string     `bun:"status"`
	IsAdmin         bool       `bun:"is_admin"`
	PasswordHash    string     `bun:"password_hash,nullzero"`
	EmailVerifiedAt *time.Time `bun:"email_verified_at"`
	CreatedAt       time.Time  `bun:"created_at,nullzero,default:now()"`
	UpdatedAt       time.Time  `bun:"updated_at,nullzero,default:now()"`
}

// Subject is the user's authorisation subject in their tenant.
func (u *User) Subject() string { return "user:" + strconv.FormatInt(u.ID, 10) }

// Name is what to call the user.
func (u *User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	if n := strings.TrimSpace(u.GivenName + " " + u.FamilyName); n != "" {
		return n
	}
	return u.Email
}

// UserByID returns a user of the tenant of tx.
func UserByID(ctx context.Context, tx bun.IDB, id int64) (*User, error) {
	return oneUser(ctx, tx.NewSelect().Conn(db.Prepared(tx, id)).Where("id = $1"))
}

// UserByEmail returns the user with email (case-insensitive).
func UserByEmail(ctx context.Context, tx bun.IDB, email string) (*User, error) {
	return oneUser(ctx, tx.NewSelect().Where("lower(email) = lower(?)", strings.TrimSpace(email)))
}

func oneUser(ctx context.Context, q *bun.SelectQuery) (*User, error) {
	u, err := db.One[User](ctx, q, ErrUserNotFound)
	if err != nil && !errors.Is(err, ErrUserNotFound) {
		return nil, fmt.Errorf("get user: %w", err)
	}
	return u, err
}

// NameSQL is the SQL of the name shown of the user row aliased alias: the
// display name, else given and family name, else the local part of the
// address (never the whole address, which others must not see).
func NameSQL(alias string) string {
	return "coalesce(nullif(" + alias + ".display_name, ''), nullif(btrim(" + alias + ".given_name || ' ' || " + alias +
		".family_name), ''), split_part(" + alias + ".email, '@', 1))"
}
