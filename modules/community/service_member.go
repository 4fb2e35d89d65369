package community

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/membership"
	"github.com/piazza-pa/piazza/tenant"
)

// The service of a community's managers: whom they invite, the search for
// people to invite, their decisions on members.

// suggestions is how many people a search for someone to invite offers.
const suggestions = 10

// Candidates returns the people of the site the managers of community id
// may invite whose name (or, for those who see addresses, e-mail address)
// starts with query: at most a few, none for a query too short, none who
// is a member or waits already. Only its managers may search.
func (m *Module) Candidates(ctx context.Context, id int64, query string) (cs []membership.Candidate, err error) {
	err = m.managed(ctx, id, func(ctx context.Context, tx bun.Tx, com *Community) error {
		cs, err = members.Candidates(ctx, tx, com.ID, query, membership.SeesAddresses(ctx), suggestions)
		return err
	})
	return cs, err
}

// Invitee is whom a manager invites: a member of the directory (UserID) or
// an address.
type Invitee struct {
	UserID int64
	Email  string
}

// Invite invites someone to community id (base is the site's URL): an
// address with no account becomes an invited account, mailed a link to set
// it up; an existing member is mailed a link to the community; one whose
// request waits is let in instead.
func (m *Module) Invite(ctx context.Context, id int64, who Invitee, base string) error {
	var newAccount bool
	var to, name string
	err := m.managed(ctx, id, func(ctx context.Context, tx bun.Tx, com *Community) error {
		u, created, err := invitee(ctx, tx, who)
		if err != nil {
			return err
		}
		outcome, err := members.Invite(ctx, tx, com.ID, u.ID, Participant, viewerOf(ctx).UserID)
		if err != nil || outcome == membership.Accepted {
			return err
		}
		newAccount, to, name = created, u.Email, com.Name
		if newAccount {
			return m.Local.Invite(ctx, tx, base, tenant.FromContext(ctx).Name, u.Email)
		}
		return nil
	})
	if err != nil || to == "" || newAccount {
		return err
	}
	site, loc := tenant.FromContext(ctx).Name, m.Shell.I18n.FromContext(ctx)
	link := fmt.Sprintf("%s/communities/%d", base, id)
	return m.Mail.Send(ctx, mail.Message{To: to,
		Subject: loc.T("community.mail.invited.subject", "Community", name, "Site", site),
		Text:    loc.T("community.mail.invited.body", "Community", name, "Site", site, "Link", link)})
}

// invitee finds the account of who, recording an invited one for an
// address that has none (created).
func invitee(ctx context.Context, tx bun.IDB, who Invitee) (u *auth.User, created bool, err error) {
	email := who.Email
	switch {
	case who.UserID > 0:
		u, err = auth.UserByID(ctx, tx, who.UserID)
	case strings.Count(email, "@") == 1 && len(email) <= 254 && !strings.ContainsAny(email, " <>,;\""):
		u, err = auth.UserByEmail(ctx, tx, email)
		if errors.Is(err, auth.ErrUserNotFound) {
			if created, err = auth.CreateInvited(ctx, tx, email); err != nil {
				return nil, false, err
			}
			u, err = auth.UserByEmail(ctx, tx, email)
		}
	default:
		return nil, false, ErrNoSuchPerson
	}
	if errors.Is(err, auth.ErrUserNotFound) || (err == nil && u.Status == auth.StatusSuspended) {
		return nil, false, ErrNoSuchPerson
	}
	return u, created, err
}

// Decide is a manager's decision on member uid of community id: approve or
// reject a request, remove a member ("approve", "reject", "remove"), or
// "role" to give them role.
func (m *Module) Decide(ctx context.Context, id, uid int64, action, role string) error {
	return m.managed(ctx, id, func(ctx context.Context, tx bun.Tx, com *Community) error {
		if action == "role" {
			return members.SetRole(ctx, tx, com.ID, uid, role)
		}
		return members.Decide(ctx, tx, com.ID, uid, action)
	})
}
