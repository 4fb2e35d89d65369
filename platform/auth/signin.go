package auth

import (
	"context"
	"errors"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/password"
	"github.com/piazza-pa/piazza/platform/site"
)

// Authenticate checks email and password from clientAddr in the tenant of
// ctx, refusing when either has failed too often lately. The error never
// tells which was wrong, nor does the time it takes. It runs its own
// transactions on db: the attempt is counted, and committed, before the
// password is checked, so that concurrent attempts cannot outrun the
// limits; no transaction stays open while the password is checked.
func (l *Local) Authenticate(ctx context.Context, db bun.IDB, email, pw, clientAddr string) (*User, error) {
	th := l.throttle()
	var a *Attempt
	var u *User
	err := site.Tx(ctx, db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if a, err = th.Take(ctx, tx, Keys(email, clientAddr)); err != nil {
			return err
		}
		if u, err = UserByEmail(ctx, tx, email); errors.Is(err, ErrUserNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	ok := l.matches(u, pw)
	// The attempt is settled even if the client has gone meanwhile.
	err = site.Tx(context.WithoutCancel(ctx), db, func(ctx context.Context, tx bun.Tx) error {
		if ok {
			return th.Succeeded(ctx, tx, a)
		}
		return th.Failed(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrBadCredentials
	}
	return u, nil
}

// matches says whether pw is u's password and u may sign in. Without u, or
// without a password, pw is checked against password.Dummy: every answer
// costs one check.
func (l *Local) matches(u *User, pw string) bool {
	hash := password.Dummy
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok := l.verify(pw, hash)
	return ok && u != nil && u.EmailVerifiedAt != nil && u.Status == "active"
}

func (l *Local) throttle() *Throttle {
	return &Throttle{Table: "auth_failures", Window: l.Window, MaxPerAccount: l.MaxPerAccount, MaxPerAddr: l.MaxPerAddr, Now: l.Now}
}

// hash is password.Hash; verify is password.Verify (a stored hash it
// cannot read matches nothing).
func (l *Local) hash(pw string) (string, error) {
	l.hashed()
	return password.Hash(pw)
}

func (l *Local) verify(pw, stored string) bool {
	l.hashed()
	ok, _ := password.Verify(pw, stored)
	return ok
}

func (l *Local) hashed() {
	if l.onHash != nil {
		l.onHash()
	}
}
