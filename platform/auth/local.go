package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/i18n"
	mailer "github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/password"
	"github.com/piazza-pa/piazza/platform/quota"
	"github.com/piazza-pa/piazza/platform/session"
)

// Errors of local accounts. None says whether an e-mail address is known.
var (
	ErrBadCredentials = platform.NewKeyedError(platform.ErrForbidden, "auth.error.bad_credentials", "wrong e-mail or password, or the address is not verified yet")
	ErrThrottled      = platform.NewKeyedError(platform.ErrForbidden, "auth.error.throttled", "too many failed attempts: wait a few minutes and try again")
	ErrInvalidEmail   = platform.NewKeyedError(platform.ErrInvalid, "auth.error.invalid_email", "this is not an e-mail address")
)

// Local runs local accounts inside a tenant transaction.
type Local struct {
	Mail mailer.Sender
	// I18n, when set, writes e-mails in the language of the request that
	// sends them; without it they are bilingual (Italian and English).
	I18n *i18n.Bundle
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Window, MaxPerAccount and MaxPerAddr bound failed sign-ins.
	Window        time.Duration
	MaxPerAccount int
	MaxPerAddr    int

	// onHash, when set, is called at each password hashed or checked
	// (tests count them: see CountHashes).
	onHash func()
}

func (l *Local) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Registration is what a person fills in to register.
type Registration struct {
	Email, Name, Password, Locale string
}

// Register creates an unverified account and mails a verification link to
// base (the tenant's URL). If the address is already registered, the owner
// is told by mail instead, and the caller sees the same outcome at the same
// cost: the password is hashed and one mail is sent either way.
func (l *Local) Register(ctx context.Context, tx bun.IDB, base string, r Registration) error {
	email, err := checkEmail(r.Email)
	if err != nil {
		return err
	}
	if err := password.Check(r.Password); err != nil {
		return err
	}
	hash, err := l.hash(r.Password)
	if err != nil {
		return err
	}
	if err := commitWithoutWaiting(ctx, tx); err != nil {
		return err
	}
	existing, err := UserByEmail(ctx, tx, email)
	if err == nil {
		return l.sendKeyed(ctx, existing.Email, "mail.exists", []any{"Link", base + "/auth/reset"}, "Account già registrato / Account already registered",
			"Qualcuno ha provato a registrarsi con questo indirizzo. Se eri tu, accedi o reimposta la password: %s\n\n"+
				"Someone tried to register with this address. If it was you, sign in or reset your password: %s\n",
			base+"/auth/reset", base+"/auth/reset")
	}
	if !errors.Is(err, ErrUserNotFound) {
		return err
	}
	if err := quota.AddMembers(ctx, tx, 1); err != nil {
		return err
	}
	u := &User{Email: email, DisplayName: strings.TrimSpace(r.Name), Locale: r.Locale, Status: "active", PasswordHash: hash}
	if _, err := tx.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	token, err := newLinkToken(ctx, tx, u.ID, PurposeVerify, l.now().Add(48*time.Hour))
	if err != nil {
		return err
	}
	link := base + "/auth/verify?token=" + url.QueryEscape(token)
	return l.sendKeyed(ctx, email, "mail.verify", []any{"Link", link}, "Conferma il tuo indirizzo / Confirm your address",
		"Per attivare il tuo account apri questo link (valido 48 ore): %s\n\nTo activate your account open this link (valid for 48 hours): %s\n", link, link)
}

// Verify consumes a verification link and returns the verified user.
func (l *Local) Verify(ctx context.Context, tx bun.IDB, token string) (*User, error) {
	id, err := useLinkToken(ctx, tx, token, PurposeVerify, l.now())
	if err != nil {
		return nil, err
	}
	if _, err := tx.NewUpdate().Model((*User)(nil)).Set("email_verified_at = ?", l.now()).Where("id = ?", id).Exec(ctx); err != nil {
		return nil, err
	}
	return UserByID(ctx, tx, id)
}

// RequestReset mails a reset link when email belongs to an account, and
// otherwise tells the address that it has none (with a link to register):
// one mail either way, so that the caller answers the same, at the same
// cost. An address that is not one gets nothing.
func (l *Local) RequestReset(ctx context.Context, tx bun.IDB, base, email string) error {
	addr, err := checkEmail(email)
	if err != nil {
		return nil
	}
	if err := commitWithoutWaiting(ctx, tx); err != nil {
		return err
	}
	u, err := UserByEmail(ctx, tx, addr)
	if errors.Is(err, ErrUserNotFound) {
		link := base + "/auth/register"
		return l.sendKeyed(ctx, addr, "mail.no_account", []any{"Link", link}, "Nessun account con questo indirizzo / No account with this address",
			"Qualcuno ha chiesto di reimpostare la password di questo indirizzo, ma non c'è nessun account con questo indirizzo. Se vuoi, registrati: %s\n\n"+
				"Someone asked to reset the password of this address, but there is no account with this address. If you want one, register: %s\n",
			link, link)
	}
	if err != nil {
		return err
	}
	token, err := newLinkToken(ctx, tx, u.ID, PurposeReset, l.now().Add(time.Hour))
	if err != nil {
		return err
	}
	link := base + "/auth/reset?token=" + url.QueryEscape(token)
	return l.sendKeyed(ctx, u.Email, "mail.reset", []any{"Link", link}, "Reimposta la password / Reset your password",
		"Per scegliere una nuova password apri questo link (valido un'ora, una volta sola): %s\n\nTo choose a new password open this link (valid for one hour, once): %s\n", link, link)
}

// Reset consumes a reset link and sets a new password; it also verifies the
// address (the link proved it) and ends the user's other sessions.
func (l *Local) Reset(ctx context.Context, tx bun.IDB, token, newPassword string) (*User, error) {
	id, err := l.passwordByLink(ctx, tx, token, PurposeReset, newPassword, false)
	if err != nil {
		return nil, err
	}
	if _, err := tx.NewDelete().TableExpr("sessions").Where("user_id = ?", id).Exec(ctx); err != nil {
		return nil, err
	}
	return UserByID(ctx, tx, id)
}

// ChangePassword sets a new password after checking the current one, and
// ends the user's other sessions: only the session of sessionToken (the
// one making the change) stays signed in.
func (l *Local) ChangePassword(ctx context.Context, tx bun.IDB, userID int64, current, next, sessionToken string) error {
	u, err := UserByID(ctx, tx, userID)
	if err != nil {
		return err
	}
	if !l.verify(current, u.PasswordHash) {
		return ErrBadCredentials
	}
	if err := password.Check(next); err != nil {
		return err
	}
	if err := l.setPassword(ctx, tx, userID, next); err != nil {
		return err
	}
	_, err = tx.NewDelete().TableExpr("sessions").Where("user_id = ? AND token_hash <> ?", userID, session.TokenHash(sessionToken)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("end other sessions: %w", err)
	}
	return nil
}

// passwordByLink consumes the link token of purpose, gives its user the
// password pw and verifies their address (the link proved it); activate
// also activates the account (an invitation accepted). It returns the
// user's id.
func (l *Local) passwordByLink(ctx context.Context, tx bun.IDB, token, purpose, pw string, activate bool) (int64, error) {
	if err := password.Check(pw); err != nil {
		return 0, err
	}
	id, err := useLinkToken(ctx, tx, token, purpose, l.now())
	if err != nil {
		return 0, err
	}
	if activate {
		if err := takePlace(ctx, tx, id); err != nil {
			return 0, err
		}
	}
	if err := l.setPassword(ctx, tx, id, pw); err != nil {
		return 0, err
	}
	q := tx.NewUpdate().Model((*User)(nil)).Set("email_verified_at = coalesce(email_verified_at, ?)", l.now())
	if activate {
		q = q.Set("status = 'active'")
	}
	if _, err := q.Where("id = ?", id).Exec(ctx); err != nil {
		return 0, fmt.Errorf("verify address: %w", err)
	}
	return id, nil
}

func (l *Local) setPassword(ctx context.Context, tx bun.IDB, id int64, pw string) error {
	hash, err := l.hash(pw)
	if err != nil {
		return err
	}
	_, err = tx.NewUpdate().Model((*User)(nil)).Set("password_hash = ?", hash).Set("updated_at = ?", l.now()).Where("id = ?", id).Exec(ctx)
	return err
}

// commitWithoutWaiting lets tx commit without waiting for the disk, for
// the requests that must not tell by their time whether they wrote
// anything (a new account, a link): losing such a write in a crash costs
// only a link that no longer works.
func commitWithoutWaiting(ctx context.Context, tx bun.IDB) error {
	if _, err := tx.ExecContext(ctx, "SELECT set_config('synchronous_commit', 'off', true)"); err != nil {
		return fmt.Errorf("commit without waiting: %w", err)
	}
	return nil
}

// sendKeyed sends the message key (key.subject, key.body with values) in
// the request's language when a bundle is set, else the bilingual text.
func (l *Local) sendKeyed(ctx context.Context, to, key string, values []any, subject, format string, args ...any) error {
	if l.I18n != nil {
		loc := l.I18n.FromContext(ctx)
		return l.Mail.Send(ctx, mailer.Message{To: to, Subject: loc.T(key+".subject", values...), Text: loc.T(key+".body", values...)})
	}
	return l.Mail.Send(ctx, mailer.Message{To: to, Subject: subject, Text: fmt.Sprintf(format, args...)})
}

func checkEmail(e string) (string, error) {
	e = strings.TrimSpace(e)
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || len(e) > 254 {
		return "", ErrInvalidEmail
	}
	return e, nil
}
