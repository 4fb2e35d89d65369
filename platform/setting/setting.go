// Package setting reads and writes a tenant's switches (the settings table
// of its schema), inside the tenant's transaction.
package setting

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"github.com/piazza-pa/piazza/platform/db"
)

// The switches of the collaboration modules: whether profiles, organisations
// and communities created by members wait for validation.
const (
	ProfileValidation      = "profile.validation"
	OrganizationValidation = "organization.validation"
	CommunityValidation    = "community.validation"
)

// boolSQL reads switch ? (false when never set).
const boolSQL = "SELECT coalesce((SELECT value = 'true'::jsonb FROM settings WHERE key = ?), false)"

// Bool reads a switch (false when never set), prepared: the pages that
// read one (directories, searches, comments) would otherwise plan it
// anew each time, which costs more than reading it.
func Bool(ctx context.Context, tx bun.IDB, key string) (bool, error) {
	var on bool
	err := db.QueryRow(ctx, tx, boolSQL, key).Scan(&on)
	if err != nil {
		return false, fmt.Errorf("setting %s: %w", key, err)
	}
	return on, nil
}

// BoolSQL is the SQL of a switch's value (false when never set), for a
// statement that reads it along with the rest; key is one of the
// switches' names above (written as a literal, as bun writes one).
func BoolSQL(key string) string {
	return "coalesce((SELECT value = 'true'::jsonb FROM settings WHERE key = " + string(schema.BaseDialect{}.AppendString(nil, key)) + "), false)"
}

// SetBool sets a switch.
func SetBool(ctx context.Context, tx bun.IDB, key string, on bool) error {
	v := "false"
	if on {
		v = "true"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?::jsonb)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, key, v)
	if err != nil {
		return fmt.Errorf("set %s: %w", key, err)
	}
	return nil
}
