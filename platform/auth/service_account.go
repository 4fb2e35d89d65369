package auth

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/site"
)

// The service of the sign-in pages: each step runs in one of the site's
// transactions (the handlers parse the form and render the answer).

// local runs fn in the site's transaction when local accounts are on, and
// answers 404 when they are off.
func (m *Module) local(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return site.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		on, err := localEnabled(ctx, tx)
		if err != nil {
			return err
		}
		if !on {
			return fiber.ErrNotFound
		}
		return fn(ctx, tx)
	})
}

// RequireLocal is nil when local accounts are on, else a 404.
func (m *Module) RequireLocal(ctx context.Context) error {
	return m.local(ctx, func(context.Context, bun.Tx) error { return nil })
}

// LocalOn tells whether local accounts are on for the site of ctx.
func (m *Module) LocalOn(ctx context.Context) (on bool, err error) {
	err = site.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		on, err = localEnabled(ctx, tx)
		return err
	})
	return on, err
}

// RegisterAccount registers r and mails its confirmation link (base: the
// site's address).
func (m *Module) RegisterAccount(ctx context.Context, base string, r Registration) error {
	return m.local(ctx, func(ctx context.Context, tx bun.Tx) error { return m.Local.Register(ctx, tx, base, r) })
}

// VerifyAccount confirms the address of the link's token.
func (m *Module) VerifyAccount(ctx context.Context, token string) error {
	return m.local(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := m.Local.Verify(ctx, tx, token)
		return err
	})
}

// RequestReset mails a reset link to email's account, if there is one.
func (m *Module) RequestReset(ctx context.Context, base, email string) error {
	return m.local(ctx, func(ctx context.Context, tx bun.Tx) error { return m.Local.RequestReset(ctx, tx, base, email) })
}

// ResetPassword sets the password of the reset link's token.
func (m *Module) ResetPassword(ctx context.Context, token, password string) error {
	return m.local(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := m.Local.Reset(ctx, tx, token, password)
		return err
	})
}

// refused is an answer to the person (wrong password, bad input) rather
// than a failure: the transaction commits what was counted before it.
func refused(err error) bool {
	return errors.Is(err, ErrBadCredentials) || errors.Is(err, platform.ErrInvalid)
}

// ChangePassword changes member uid's password, keeping the session of
// sessionToken; a refusal is returned after the attempt is committed.
func (m *Module) ChangePassword(ctx context.Context, uid int64, current, password, sessionToken string) error {
	var answer error
	err := site.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		answer = m.Local.ChangePassword(ctx, tx, uid, current, password, sessionToken)
		if refused(answer) {
			return nil
		}
		return answer
	})
	if err != nil {
		return err
	}
	return answer
}

// AcceptInvitation sets the password of an invited account.
func (m *Module) AcceptInvitation(ctx context.Context, token, password string) error {
	var answer error
	err := site.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		_, answer = m.Local.AcceptInvite(ctx, tx, token, password)
		if platformInvalid(answer) {
			return nil
		}
		return answer
	})
	if err != nil {
		return err
	}
	return answer
}

// SetLanguageOf keeps member uid's language.
func (m *Module) SetLanguageOf(ctx context.Context, uid int64, locale string) error {
	return site.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error { return SetLanguage(ctx, tx, uid, locale) })
}

// OpenSession starts sess and returns its token.
func (m *Module) OpenSession(ctx context.Context, sess *session.Session) (token string, err error) {
	err = site.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		token, err = m.Sessions.Create(ctx, tx, sess)
		return err
	})
	return token, err
}

// CloseSession ends the session of token and returns it (nil if unknown).
func (m *Module) CloseSession(ctx context.Context, token string) (ended *session.Session, err error) {
	err = site.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error {
		ended, _ = m.Sessions.Lookup(ctx, tx, token)
		return m.Sessions.Delete(ctx, tx, token)
	})
	return ended, err
}

// CloseSessions ends every session of member uid.
func (m *Module) CloseSessions(ctx context.Context, uid int64) error {
	return site.Tx(ctx, m.DB, func(ctx context.Context, tx bun.Tx) error { return m.Sessions.DeleteUser(ctx, tx, uid) })
}
