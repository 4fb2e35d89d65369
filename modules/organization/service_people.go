package organization

import (
	"context"
	"errors"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/membership"
)

// The service of an organisation's referents: whom they invite and the
// search for people to invite.

// suggestions is how many people a search for someone to invite offers.
const suggestions = 10

// Invitee is whom a referent invites: a member of the site chosen from the
// search (UserID), or one named by their e-mail address.
type Invitee struct {
	UserID int64
	Email  string
}

// Invite links an active member of the tenant to organisation id as
// invited, or approves their waiting request.
func (m *Module) Invite(ctx context.Context, id int64, who Invitee) error {
	return m.referent(ctx, id, func(ctx context.Context, tx bun.Tx, o *Organization) error {
		var u *auth.User
		var err error
		if who.UserID > 0 {
			u, err = auth.UserByID(ctx, tx, who.UserID)
		} else {
			u, err = auth.UserByEmail(ctx, tx, who.Email)
		}
		if errors.Is(err, auth.ErrUserNotFound) || (err == nil && u.Status != auth.StatusActive) {
			return ErrNoPerson
		}
		if err != nil {
			return err
		}
		_, err = people.Invite(ctx, tx, o.ID, u.ID, Employee, 0)
		return err
	})
}

// Candidates returns the people of the site the referents of organisation
// id may invite whose name (or, for those who see addresses, e-mail
// address) starts with query: at most a few, none for a query too short,
// none linked or waiting already. Only its referents (and administrators)
// may search.
func (m *Module) Candidates(ctx context.Context, id int64, query string) (cs []membership.Candidate, err error) {
	err = m.referent(ctx, id, func(ctx context.Context, tx bun.Tx, o *Organization) error {
		cs, err = people.Candidates(ctx, tx, o.ID, query, membership.SeesAddresses(ctx), suggestions)
		return err
	})
	return cs, err
}
