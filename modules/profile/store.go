package profile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/directory"
)

// The states of a profile when the tenant validates profiles.
const (
	Draft        = "draft"
	ToValidate   = "to_validate"
	Validated    = "validated"
	NotValidated = "not_validated"
)

// Frequencies are how often a member may be told of news.
var Frequencies = []string{"immediate", "daily", "weekly", "monthly", "off"}

// ErrNotFound is a profile the viewer may not see.
var ErrNotFound = platform.NewError(platform.ErrNotFound, "no such profile")

// Profile is a member of the tenant with their profile (a member who never
// filled one has the defaults).
type Profile struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	UserID          int64     `bun:"user_id"`
	Name            string    `bun:"name"`
	Email           string    `bun:"email"`
	Locale          string    `bun:"locale"`
	Bio             string    `bun:"bio"`
	Competencies    []string  `bun:"competencies,array"`
	Themes          []string  `bun:"themes,array"`
	Tags            []int64   `bun:"tags,array"`
	HasPhoto        bool      `bun:"has_photo"`
	NotifyFrequency string    `bun:"notify_frequency"`
	State           string    `bun:"state"`
	UpdatedAt       time.Time `bun:"updated_at"`
	// ContactOff: the member does not want other members to write to them.
	ContactOff bool `bun:"contact_off"`
	// Organizations are the names of the organisations the member works for.
	Organizations []string `bun:"organizations,array"`
	// ListKey is the member's place in the directory (their name as the
	// database lowers it).
	ListKey string `bun:"list_key,scanonly"`
}

// Viewer is who looks at profiles.
type Viewer struct {
	UserID int64
	// Validation: the tenant shows only validated profiles to others.
	Validation bool
	// Facilitator: the viewer validates profiles (and sees every one).
	Facilitator bool
}

// selectProfiles is the query of the profiles v may see: active members',
// only validated ones (besides one's own) when the tenant validates them.
func selectProfiles(tx bun.IDB, v Viewer, dst any) *bun.SelectQuery {
	q := tx.NewSelect().Model(dst).
		ColumnExpr("u.id AS user_id, u.email, u.locale").
		ColumnExpr(auth.NameSQL("u") + " AS name").
		ColumnExpr("coalesce(p.bio, '') AS bio, coalesce(p.competencies, '{}') AS competencies, coalesce(p.themes, '{}') AS themes").
		ColumnExpr("coalesce(p.tags, '{}') AS tags, p.photo IS NOT NULL AS has_photo").
		ColumnExpr("coalesce(p.notify_frequency, 'daily') AS notify_frequency, coalesce(p.state, 'draft') AS state").
		ColumnExpr("coalesce(p.contact_off, false) AS contact_off").
		ColumnExpr("coalesce(p.updated_at, u.created_at) AS updated_at").
		ColumnExpr(organization.NamesSQL("u.id") + " AS organizations").
		Join("LEFT JOIN profiles AS p ON p.user_id = u.id").
		Where("u.status = 'active'")
	return visible(q, v)
}

// visible keeps, when the tenant validates profiles, the validated ones
// (and one's own) for all but facilitators.
func visible(q *bun.SelectQuery, v Viewer) *bun.SelectQuery { return visibleWith(q, v, nil) }

// visibleWith is visible with v's values written through p (nil: as
// literals).
func visibleWith(q *bun.SelectQuery, v Viewer, p *db.Params) *bun.SelectQuery {
	if v.Validation && !v.Facilitator {
		q = q.Where("(p.state = 'validated' OR u.id = ?)", p.Arg(v.UserID))
	}
	return q
}

// Get returns a profile v may see.
func Get(ctx context.Context, tx bun.IDB, v Viewer, id int64) (*Profile, error) {
	return directory.One(ctx, func(p *Profile) *bun.SelectQuery { return selectProfiles(tx, v, p).Where("u.id = ?", id) },
		ErrNotFound, "get profile")
}

// row is the profiles table's row.
type row struct {
	bun.BaseModel `bun:"table:profiles,alias:p"`

	UserID          int64    `bun:"user_id,pk"`
	Bio             string   `bun:"bio"`
	Competencies    []string `bun:"competencies,array"`
	Themes          []string `bun:"themes,array"`
	Tags            []int64  `bun:"tags,array"`
	NotifyFrequency string   `bun:"notify_frequency"`
	ContactOff      bool     `bun:"contact_off"`
	State           string   `bun:"state"`
}

// save writes a member's own profile; a validated profile that changes
// goes back to draft when the tenant validates profiles.
func save(ctx context.Context, tx bun.IDB, r *row, name, locale string, validation bool) error {
	if _, err := tx.NewInsert().Model(r).
		On("CONFLICT (user_id) DO UPDATE").
		Set("bio = EXCLUDED.bio, competencies = EXCLUDED.competencies, themes = EXCLUDED.themes, tags = EXCLUDED.tags").
		Set("notify_frequency = EXCLUDED.notify_frequency, contact_off = EXCLUDED.contact_off, updated_at = now()").
		Set("state = CASE WHEN ? THEN 'draft' ELSE p.state END", validation).
		Exec(ctx); err != nil {
		return fmt.Errorf("save profile: %w", err)
	}
	return auth.SetNameAndLanguage(ctx, tx, r.UserID, name, locale)
}

// setState moves a profile from one of from to state; false when it was in
// none of them.
func setState(ctx context.Context, tx bun.IDB, uid int64, state string, from ...string) (bool, error) {
	if _, err := tx.ExecContext(ctx, "INSERT INTO profiles (user_id) VALUES (?) ON CONFLICT DO NOTHING", uid); err != nil {
		return false, err
	}
	res, err := tx.NewUpdate().Table("profiles").Set("state = ?, updated_at = now()", state).
		Where("user_id = ? AND state IN (?)", uid, bun.List(from)).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("profile state: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// photo returns a member's photo and its type.
func photo(ctx context.Context, tx bun.IDB, uid int64) ([]byte, string, error) {
	var b []byte
	var typ string
	err := tx.QueryRowContext(ctx, "SELECT photo, photo_type FROM profiles WHERE user_id = ? AND photo IS NOT NULL", uid).Scan(&b, &typ)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", ErrNotFound
	}
	return b, typ, err
}

func setPhoto(ctx context.Context, tx bun.IDB, uid int64, b []byte, typ string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO profiles (user_id, photo, photo_type) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET photo = EXCLUDED.photo, photo_type = EXCLUDED.photo_type, updated_at = now()`, uid, b, typ)
	if err != nil {
		return fmt.Errorf("save photo: %w", err)
	}
	return nil
}
