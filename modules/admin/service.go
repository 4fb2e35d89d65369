package admin

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/quota"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/tenant"
)

// The service: what the tenant's admins change, each in one transaction,
// for the admin of ctx. Handlers write the audit trail once it is done.

// Refusals of the service, each with its message for the admin.
var (
	errSelfStatus = platform.NewKeyedError(platform.ErrConflict, "admin.error.self_status", "an admin cannot suspend their own account")
	errSelfRole   = platform.NewKeyedError(platform.ErrConflict, "admin.error.self_role", "an admin cannot give up their own admin role")
	errLocalSure  = platform.NewKeyedError(platform.ErrInvalid, "admin.error.local_confirm", "turning local accounts off needs confirmation")
	errLocalOnly  = platform.NewKeyedError(platform.ErrConflict, "admin.error.local_only", "no identity provider is enabled: local accounts are the only way in")
)

// state is what the overview shows: the members matching a search, the
// local accounts switch, the site's host names and identity providers.
type state struct {
	Members []member
	Local   bool
	Hosts   []string
	IdPs    []idp.IdP
	// Federation is the tenant's federation settings (nil: not shown).
	Federation *federation.Settings
}

// overviewState reads the overview of the tenant of ctx, members
// matching query.
func (m *Module) overviewState(ctx context.Context, query string) (*state, error) {
	t, err := m.Registry.Get(ctx, tenant.FromContext(ctx).Slug) // fresh hosts
	if err != nil {
		return nil, err
	}
	s := &state{Hosts: t.Hosts}
	if s.Members, s.Local, err = m.members(ctx, query); err != nil {
		return nil, err
	}
	if s.IdPs, err = m.IdPs.List(ctx, t.ID); err != nil {
		return nil, err
	}
	if m.Federation != nil {
		s.Federation, err = m.Federation.Settings(ctx, t.ID)
	}
	return s, err
}

// recent is the tenant's latest admin actions, newest first.
func (m *Module) recent(ctx context.Context) ([]audit.Entry, error) {
	return audit.Recent(ctx, m.DB, tenant.FromContext(ctx).ID, 200)
}

// members lists at most 200 accounts matching query, each with their
// stored tenant role ("member" for none), and says whether local accounts
// are on.
func (m *Module) members(ctx context.Context, query string) (ms []member, local bool, err error) {
	err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		users, err := auth.FindUsers(ctx, tx, query, 200)
		if err != nil {
			return err
		}
		for _, u := range users {
			ms = append(ms, member{User: u, Role: "member"})
		}
		local, err = setting.Bool(ctx, tx, auth.SettingLocalAccounts)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	stored, err := authz.RolesOf(ctx, m.DB, tenant.FromContext(ctx).Domain())
	for i := range ms {
		for _, r := range stored[ms[i].Subject()] {
			ms[i].Role = strings.TrimPrefix(r, "role:")
		}
	}
	return ms, local, err
}

// collaborationSettings reads the validation switches, the words comments
// may not contain (one a line) and the tags.
func (m *Module) collaborationSettings(ctx context.Context) (switches []switchView, blacklist string, tags []taxonomy.Tag, err error) {
	err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, k := range validations {
			on, err := setting.Bool(ctx, tx, k)
			if err != nil {
				return err
			}
			switches = append(switches, switchView{Key: k, On: on})
		}
		words, err := comment.Blacklist(ctx, tx)
		if err != nil {
			return err
		}
		blacklist = strings.Join(words, "\n")
		tags, err = taxonomy.Tags(ctx, tx)
		return err
	})
	return switches, blacklist, tags, err
}

// SetStatus suspends (signing them out everywhere) or reactivates member id;
// admins cannot suspend themselves.
func (m *Module) SetStatus(ctx context.Context, id int64, suspend bool) (*auth.User, error) {
	var u *auth.User
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if u, err = auth.UserByID(ctx, tx, id); err != nil {
			return err
		}
		if self := auth.UserFromContext(ctx); self != nil && self.ID == id {
			return errSelfStatus
		}
		if !suspend {
			return auth.SetStatus(ctx, tx, id, auth.StatusActive)
		}
		if err := auth.SetStatus(ctx, tx, id, auth.StatusSuspended); err != nil {
			return err
		}
		return session.Tenant(0, 0).DeleteUser(ctx, tx, id)
	})
	return u, err
}

// Member returns member id.
func (m *Module) Member(ctx context.Context, id int64) (*auth.User, error) {
	var u *auth.User
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		u, err = auth.UserByID(ctx, tx, id)
		return err
	})
	return u, err
}

// SetRole replaces u's stored tenant role; "member" stores none. Admins
// cannot give up their own role.
func (m *Module) SetRole(ctx context.Context, u *auth.User, role string) error {
	if !slices.Contains(roles, role) {
		return platform.NewError(platform.ErrInvalid, "unknown role")
	}
	if self := auth.UserFromContext(ctx); self != nil && self.ID == u.ID && role != "admin" {
		return errSelfRole
	}
	domain := tenant.FromContext(ctx).Domain()
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, r := range roles[1:] {
			if err := authz.Unassign(ctx, tx, u.Subject(), "role:"+r, domain); err != nil {
				return err
			}
		}
		if role == "member" {
			return nil
		}
		return authz.Assign(ctx, tx, u.Subject(), "role:"+role, domain)
	})
}

// Invite records an invited member (unless the address has an account)
// and mails them a link to set it up (base is the site's URL).
func (m *Module) Invite(ctx context.Context, email, base string) error {
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Past the plan's members the plan's refusal; any other failure
		// is the address the table refused.
		_, err := auth.CreateInvited(ctx, tx, email)
		switch {
		case errors.Is(err, quota.ErrMembers):
			return err
		case err != nil:
			return platform.NewKeyedError(platform.ErrInvalid, "auth.error.invalid_email", "not an e-mail address")
		}
		return m.Local.Invite(ctx, tx, base, tenant.FromContext(ctx).Name, email)
	})
}

// SetLocalAccounts turns the tenant's local accounts on or off. Turning
// them off needs sure (the admin confirmed that members signing in with a
// password will no longer be able to) and an enabled identity provider,
// without which nobody could sign in.
func (m *Module) SetLocalAccounts(ctx context.Context, on, sure bool) error {
	if !on {
		if !sure {
			return errLocalSure
		}
		is, err := m.IdPs.List(ctx, tenant.FromContext(ctx).ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(is, func(i idp.IdP) bool { return i.Enabled }) {
			return errLocalOnly
		}
	}
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error { return auth.SetLocalAccounts(ctx, tx, on) })
}

// SetValidation turns validation switch key (one of validations) on or off.
func (m *Module) SetValidation(ctx context.Context, key string, on bool) error {
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error { return setting.SetBool(ctx, tx, key, on) })
}

// AddTag adds a tag, under parent (0 for none) to grow a tree.
func (m *Module) AddTag(ctx context.Context, name string, parent int64) (tag *taxonomy.Tag, err error) {
	err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		tag, err = taxonomy.AddTag(ctx, tx, name, parent)
		return err
	})
	return tag, err
}

// RemoveTag removes tag id.
func (m *Module) RemoveTag(ctx context.Context, id int64) error {
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error { return taxonomy.RemoveTag(ctx, tx, id) })
}

// SetBlacklist replaces the words comments may not contain.
func (m *Module) SetBlacklist(ctx context.Context, words []string) error {
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error { return comment.SetBlacklist(ctx, tx, words) })
}
