// Package operator keeps the accounts of the people who run the service:
// they sign in on the operator host with a local account and hold the
// operator role in every tenant.
package operator

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/password"
)

// Errors of the operator store.
var (
	ErrExists       = platform.NewError(platform.ErrConflict, "an operator with this e-mail already exists")
	ErrInvalidEmail = platform.NewError(platform.ErrInvalid, "not an e-mail address")
	// ErrBadCredentials never says whether the e-mail exists.
	ErrBadCredentials = platform.NewKeyedError(platform.ErrForbidden, "auth.error.bad_credentials", "wrong e-mail or password")
)

// Operator is one operator account.
type Operator struct {
	bun.BaseModel `bun:"table:piazza.operators,alias:o"`

	ID           int64     `bun:"id,pk,autoincrement"`
	Email        string    `bun:"email"`
	DisplayName  string    `bun:"display_name"`
	PasswordHash string    `bun:"password_hash"`
	Disabled     bool      `bun:"disabled"`
	CreatedAt    time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt    time.Time `bun:"updated_at,nullzero,default:now()"`
}

// Subject is the operator's authorisation subject.
func (o *Operator) Subject() string { return "operator:" + strconv.FormatInt(o.ID, 10) }

// Create adds an operator with the given password and the operator role,
// in one transaction.
func Create(ctx context.Context, pool *bun.DB, email, name, pw string) (*Operator, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil || a.Address != strings.TrimSpace(email) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidEmail, email)
	}
	if err := password.Check(pw); err != nil {
		return nil, err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return nil, err
	}
	o := &Operator{Email: a.Address, DisplayName: strings.TrimSpace(name), PasswordHash: hash}
	err = pool.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(o).Returning("id, created_at, updated_at").Exec(ctx)
		if db.IsUnique(err) {
			return fmt.Errorf("%w: %s", ErrExists, o.Email)
		}
		if err != nil {
			return fmt.Errorf("create operator: %w", err)
		}
		return authz.Assign(ctx, tx, o.Subject(), authz.RoleOperator, authz.AllDomains)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Authenticate returns the operator with email and password, or
// ErrBadCredentials, taking as long whether or not the e-mail exists.
func Authenticate(ctx context.Context, db bun.IDB, email, pw string) (*Operator, error) {
	o := new(Operator)
	err := db.NewSelect().Model(o).Where("lower(email) = lower(?)", strings.TrimSpace(email)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		_, _ = password.Verify(pw, password.Dummy)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate operator: %w", err)
	}
	ok, err := password.Verify(pw, o.PasswordHash)
	if err != nil || !ok || o.Disabled {
		return nil, ErrBadCredentials
	}
	return o, nil
}

// List returns every operator.
func List(ctx context.Context, db bun.IDB) ([]Operator, error) {
	var os []Operator
	err := db.NewSelect().Model(&os).Order("email").Scan(ctx)
	return os, err
}

// ErrNotFound: no such operator.
var ErrNotFound = platform.NewError(platform.ErrNotFound, "no such operator")

// ByID returns the operator with id.
func ByID(ctx context.Context, tx bun.IDB, id int64) (*Operator, error) {
	return db.One[Operator](ctx, tx.NewSelect().Where("id = ?", id), ErrNotFound)
}
