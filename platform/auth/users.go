package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
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
func CreateInvited(ctx context.Context, tx bun.IDB, email string) (created bool, err error) {
	res, err := tx.ExecContext(ctx, "INSERT INTO users (email, status) VALUES (?, 'invited') ON CONFLICT DO NOTHING", email)
	if err != nil {
		return false, fmt.Errorf("record invited user: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// SetStatus sets the status of account id (StatusActive, StatusSuspended).
func SetStatus(ctx context.Context, tx bun.IDB, id int64, status string) error {
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
// name contains query (case-insensitive) when it is not empty.
func FindUsers(ctx context.Context, tx bun.IDB, query string, limit int) ([]User, error) {
	var users []User
	q := tx.NewSelect().Model(&users).OrderExpr("lower(email)").Limit(int64(limit))
	if query != "" {
		like := "%" + strings.ToLower(query) + "%"
		q = q.Where("lower(email) LIKE ? OR lower(display_name) LIKE ? OR lower(given_name || ' ' || family_name) LIKE ?", like, like, like)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	return users, nil
}
