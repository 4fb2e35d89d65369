package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/quota"
)

// The statuses of an account.
const (
	StatusInvited   = "invited"
	StatusActive    = "active"
	StatusSuspended = "suspended"
)

// CreateInvited records an account for email in the invited status unless
// one with that address exists; created says whether it was recorded now.
// The address is checked by the table (an error otherwise).
// A new account takes a member's place of the site's plan (quota.ErrMembers
// past it).
func CreateInvited(ctx context.Context, tx bun.IDB, email string) (created bool, err error) {
	if _, err := UserByEmail(ctx, tx, email); errors.Is(err, ErrUserNotFound) {
		if err := quota.AddMembers(ctx, tx, 1); err != nil {
			return false, err
		}
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO users (email, status) VALUES (?, 'invited') ON CONFLICT DO NOTHING", email)
	if err != nil {
		return false, fmt.Errorf("record invited user: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// SetStatus sets the status of account id (StatusActive, StatusSuspended);
// an account made active takes a member's place of the site's plan
// (quota.ErrMembers past it).
func SetStatus(ctx context.Context, tx bun.IDB, id int64, status string) error {
	if status == StatusActive {
		if err := takePlace(ctx, tx, id); err != nil {
			return err
		}
	}
	_, err := tx.NewUpdate().Model((*User)(nil)).Set("status = ?", status).Set("updated_at = now()").
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("set user status: %w", err)
	}
	return nil
}

// SetNameAndLanguage sets the name shown and the language of account id.
func SetNameAndLanguage(ctx context.Context, tx bun.IDB, id int64, name, locale string) error {
	_, err := tx.NewUpdate().Model((*User)(nil)).Set("locale = ?, display_name = ?", locale, name).Set("updated_at = now()").
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("save language: %w", err)
	}
	return nil
}

// SetLanguage sets the language of account id.
func SetLanguage(ctx context.Context, tx bun.IDB, id int64, locale string) error {
	_, err := tx.NewUpdate().Model((*User)(nil)).Set("locale = ?", locale).Set("updated_at = now()").Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("save language: %w", err)
	}
	return nil
}

// FindUsers lists at most limit accounts by address, those whose address or
// name contains query (case-insensitive) when it is not empty. Erased
// accounts (modules/personal) are nobody's any more: they are not listed.
func FindUsers(ctx context.Context, tx bun.IDB, query string, limit int) ([]User, error) {
	var users []User
	q := tx.NewSelect().Model(&users).Where("erased_at IS NULL").OrderExpr("lower(email)").Limit(int64(limit))
	if query != "" {
		like := "%" + strings.ToLower(query) + "%"
		q = q.Where("lower(email) LIKE ? OR lower(display_name) LIKE ? OR lower(given_name || ' ' || family_name) LIKE ?", like, like, like)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	return users, nil
}

// takePlace checks that account id may become active under the site's
// plan: a suspended account comes back into the count of members, an
// invited one turns its place into an active one.
func takePlace(ctx context.Context, tx bun.IDB, id int64) error {
	var status string
	if err := tx.QueryRowContext(ctx, "SELECT status FROM users WHERE id = ?", id).Scan(&status); err != nil {
		return fmt.Errorf("read user status: %w", err)
	}
	switch status {
	case StatusSuspended:
		return quota.AddMembers(ctx, tx, 1)
	case StatusInvited:
		return quota.Activate(ctx, tx)
	}
	return nil
}
