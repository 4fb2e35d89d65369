package community

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/membership"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/tenant"
)

// The service: what members do with communities, each in one of the
// tenant's transactions, for the member of ctx.

// members are the communities' memberships, led by their managers.
var members = &membership.Spec{Table: "community_members", Column: "community_id", Groups: "communities",
	Lead: Manager, Roles: Roles, Inviter: true, Reinvite: true, Live: "g.state = 'active'",
	Errors: membership.Errors{Already: ErrMember, Nothing: ErrNotInvited, LastLead: ErrLastManager, NoLink: errNotFound, Choice: ErrChoice},
	Inbox: membership.Inbox{Path: "/communities/%d", People: "members", Keys: "community",
		ApproveRequest: "approve_request", Validate: "approve"}}

// viewerOf is the member of ctx as a viewer of communities.
func viewerOf(ctx context.Context) Viewer {
	return Viewer{UserID: auth.UserFromContext(ctx).ID, Validator: authz.Can(ctx, "community/new", "validate")}
}

// visible runs fn on community id as the member of ctx sees it.
func (m *Module) visible(ctx context.Context, id int64, fn func(ctx context.Context, tx bun.Tx, com *Community) error) error {
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		com, err := Get(ctx, tx, viewerOf(ctx), id)
		if err != nil {
			return err
		}
		return fn(ctx, tx, com)
	})
}

// managed runs fn on active community id when the member of ctx manages it.
func (m *Module) managed(ctx context.Context, id int64, fn func(ctx context.Context, tx bun.Tx, com *Community) error) error {
	return m.visible(ctx, id, func(ctx context.Context, tx bun.Tx, com *Community) error {
		rctx, err := WithRoles(ctx, tx, viewerOf(ctx).UserID, com.ID)
		if err != nil {
			return err
		}
		if com.State != "active" || !authz.Can(rctx, com.Object(), "manage") {
			return authz.ErrForbidden
		}
		return fn(ctx, tx, com)
	})
}

// List returns the communities the member of ctx sees matching f.
func (m *Module) List(ctx context.Context, f Filter) (cs []Community, err error) {
	err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		cs, err = List(ctx, tx, viewerOf(ctx), f)
		return err
	})
	return cs, err
}

// Extending reads, for the form of a new community, whether new
// communities wait for validation and the parent community (0 for none),
// which only its managers may extend.
func (m *Module) Extending(ctx context.Context, parent int64) (validation bool, p *Community, err error) {
	read := func(ctx context.Context, tx bun.Tx, com *Community) error {
		p = com
		validation, err = setting.Bool(ctx, tx, setting.CommunityValidation)
		return err
	}
	if parent != 0 {
		err = m.managed(ctx, parent, read)
	} else {
		err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error { return read(ctx, tx, nil) })
	}
	return validation, p, err
}

// Create records community in, created by the member of ctx, its first
// manager; it waits for validation when the tenant wants it and the
// creator does not validate communities.
func (m *Module) Create(ctx context.Context, in *Community) error {
	u := auth.UserFromContext(ctx)
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		on, err := setting.Bool(ctx, tx, setting.CommunityValidation)
		if err != nil {
			return err
		}
		in.State, in.CreatedBy = "active", &u.ID
		if on && !viewerOf(ctx).Validator {
			in.State = "to_validate"
		}
		return insert(ctx, tx, in, u.ID)
	})
}

// Join: an open community takes the member at once, a reserved one records
// the request for its managers, an invitation waiting is accepted; a
// closed one is joined only by invitation. It says which (a flash name).
func (m *Module) Join(ctx context.Context, id int64) (string, error) {
	var outcome string
	err := m.visible(ctx, id, func(ctx context.Context, tx bun.Tx, com *Community) error {
		if com.State != "active" || com.Kind == Closed {
			return errNotFound
		}
		var err error
		outcome, err = members.Join(ctx, tx, com.ID, viewerOf(ctx).UserID, Participant, com.Kind == Open)
		return err
	})
	return outcome, err
}

// Leave ends the member's membership (or request); the last manager stays.
func (m *Module) Leave(ctx context.Context, id int64) error {
	return m.visible(ctx, id, func(ctx context.Context, tx bun.Tx, com *Community) error {
		return members.Leave(ctx, tx, com.ID, viewerOf(ctx).UserID)
	})
}

// Answer accepts or declines the member's invitation to community id.
func (m *Module) Answer(ctx context.Context, id int64, accept bool) error {
	return m.visible(ctx, id, func(ctx context.Context, tx bun.Tx, com *Community) error {
		return members.Answer(ctx, tx, com.ID, viewerOf(ctx).UserID, accept)
	})
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

// Validate is the tenant's decision on community id that a member created
// while new communities wait for validation.
func (m *Module) Validate(ctx context.Context, id int64, approve bool) error {
	if !viewerOf(ctx).Validator {
		return authz.ErrForbidden
	}
	return m.visible(ctx, id, func(ctx context.Context, tx bun.Tx, com *Community) error {
		if com.State != "to_validate" {
			return ErrState
		}
		state := "active"
		if !approve {
			state = "rejected"
		}
		_, err := tx.NewUpdate().Table("communities").Set("state = ?", state).Where("id = ?", com.ID).Exec(ctx)
		return err
	})
}

// SetFrequency sets how often the member hears of community id's content
// ("" for their profile's frequency).
func (m *Module) SetFrequency(ctx context.Context, id int64, f string) error {
	return m.visible(ctx, id, func(ctx context.Context, tx bun.Tx, com *Community) error {
		if com.MyState != Active {
			return errNotFound
		}
		var val any
		if f != "" {
			val = f
		}
		return members.Set(ctx, tx, com.ID, viewerOf(ctx).UserID, "notify_frequency = ?", val)
	})
}
