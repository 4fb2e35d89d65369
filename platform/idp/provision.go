package idp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/quota"
	"github.com/piazza-pa/piazza/platform/secret"
)

var fiscalRE = regexp.MustCompile(`^[A-Z0-9]{16}$`)

// NormalizeFiscalNumber turns SPID/CIE's "TINIT-RSSMRA80A01H501U" into the
// bare fiscal code; other values are upper-cased and kept only when they are
// 16 letters and digits.
func NormalizeFiscalNumber(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "TINIT-")
	if !fiscalRE.MatchString(s) {
		return ""
	}
	return s
}

func claim(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return strings.TrimSpace(s)
}

// provisionUser finds the user of the IdP account in claims, linking it to
// an existing user as the IdP is configured to, or creating one just in time.
func provisionUser(ctx context.Context, tx bun.IDB, i *IdP, claims map[string]any) (*auth.User, error) {
	sub := claim(claims, i.ClaimSubject)
	if sub == "" {
		return nil, refuse("no_subject", "the identity provider sent no subject")
	}
	email := claim(claims, i.ClaimEmail)
	verified, _ := claims["email_verified"].(bool)
	fiscal := NormalizeFiscalNumber(claim(claims, i.ClaimFiscalNumber))
	given, family := claim(claims, i.ClaimGivenName), claim(claims, i.ClaimFamilyName)

	var id int64
	err := tx.QueryRowContext(ctx, "SELECT user_id FROM user_identities WHERE idp_key = ? AND subject = ?", i.Key, sub).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if id == 0 {
		if id, err = linkOrCreate(ctx, tx, i, sub, email, verified || i.Kind != "generic", fiscal, given, family); err != nil {
			return nil, err
		}
	}
	if err := takePlace(ctx, tx, id); err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE users SET
		given_name = coalesce(nullif(?, ''), given_name), family_name = coalesce(nullif(?, ''), family_name),
		status = CASE status WHEN 'invited' THEN 'active' ELSE status END,
		email_verified_at = CASE WHEN ? THEN coalesce(email_verified_at, now()) ELSE email_verified_at END,
		updated_at = now() WHERE id = ?`, given, family, verified && email != "", id)
	if err != nil {
		return nil, fmt.Errorf("update user: %w", err)
	}
	u, err := auth.UserByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if u.Status != "active" {
		return nil, refuse("suspended", "this account is suspended")
	}
	return u, nil
}

func linkOrCreate(ctx context.Context, tx bun.IDB, i *IdP, sub, email string, emailTrusted bool, fiscal, given, family string) (int64, error) {
	var id int64
	var err error
	switch {
	case i.LinkBy == "fiscal_number" && fiscal != "":
		err = tx.QueryRowContext(ctx, "SELECT id FROM users WHERE fiscal_number = ?", fiscal).Scan(&id)
	case i.LinkBy == "email" && email != "" && emailTrusted:
		err = tx.QueryRowContext(ctx, "SELECT id FROM users WHERE lower(email) = lower(?)", email).Scan(&id)
	default:
		err = sql.ErrNoRows
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if id == 0 {
		if email == "" {
			// Some IdPs release no e-mail (a SPID level without it): keep a
			// placeholder the user replaces in their profile.
			email = "user-" + secret.Token(32)[:16] + "@users.invalid"
		}
		if err := quota.AddMembers(ctx, tx, 1); err != nil {
			return 0, err
		}
		name := strings.TrimSpace(given + " " + family)
		err = tx.QueryRowContext(ctx, `INSERT INTO users (email, display_name, given_name, family_name, fiscal_number, status)
			VALUES (?, ?, ?, ?, nullif(?, ''), 'active') ON CONFLICT DO NOTHING RETURNING id`, email, name, given, family, fiscal).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, refuse("exists", "an account with this e-mail address or fiscal code already exists here: sign in with it first")
		}
		if err != nil {
			return 0, fmt.Errorf("create user: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO user_identities (idp_key, subject, user_id) VALUES (?, ?, ?)", i.Key, sub, id); err != nil {
		return 0, fmt.Errorf("link identity: %w", err)
	}
	return id, nil
}

func urlEscape(s string) string { return url.QueryEscape(s) }

// takePlace checks, for a known account (id not 0) that signs in for the
// first time after an invitation, that it may become active under the
// site's plan (quota.ErrMembers past it).
func takePlace(ctx context.Context, tx bun.IDB, id int64) error {
	if id == 0 {
		return nil
	}
	var status string
	if err := tx.QueryRowContext(ctx, "SELECT status FROM users WHERE id = ?", id).Scan(&status); err != nil {
		return fmt.Errorf("read user status: %w", err)
	}
	if status != auth.StatusInvited {
		return nil
	}
	return quota.Activate(ctx, tx)
}
