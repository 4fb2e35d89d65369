package community

import (
	"context"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/membership"
	"github.com/piazza-pa/piazza/platform/scope"
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

// List returns a page of the communities the member of ctx sees matching
// f, after cur, and the cursor of the next page ("" for none).
func (m *Module) List(ctx context.Context, f Filter, cur keyset.Cursor) (cs []Community, next string, err error) {
	err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		cs, next, err = List(ctx, tx, viewerOf(ctx), f, cur, keyset.Size)
		return err
	})
	return cs, next, err
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

// showData is what a community's page shows its viewer, kept in the cache
// between their visits.
type showData struct {
	Community *Community
	// People are the page of the list of people shown (members, or for
	// managers requests or invitations), Next the cursor of the page
	// after it ("" for none).
	People []Member
	Next   string
	Subs   []Community
	// Origin is what the community was born from (nil for nothing).
	Origin *Item
	// Tabs are the links to the community's pages in other modules, for
	// its members.
	Tabs []Item
	// Items are the community's latest items the viewer may see: its
	// content for a member, a preview (what the scope rules let them see
	// already) for others, nothing for those invited to a closed one.
	Items                    []Item
	Frequency                string
	Manage, Validate, Member bool
}

// Show reads community id's page for the member of ctx with page l of its
// people: to its members the members and the content, to managers the
// requests and invitations, to others what they may see and do to join.
// The page with the first page of the members is kept per member until
// the tenant's data changes or an item's window opens or closes; other
// pages of the lists are read each time.
func (m *Module) Show(ctx context.Context, id int64, l membership.List) (showData, error) {
	if l.Asked {
		d, _, err := m.showData(ctx, id, l)
		return d, err
	}
	key := "community:" + strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(auth.UserFromContext(ctx).ID, 10)
	return tenant.Cached(ctx, m.Cache, key, func() (showData, time.Time, error) { return m.showData(ctx, id, l) })
}

// OpenList reads which list of community id's people an address asks for
// (membership.Spec.Open): a page not of it is a 404.
func OpenList(ctx context.Context, id int64, state, who, after string) (membership.List, error) {
	return members.Open(ctx, id, state, who, after)
}

// showData reads what community id's page shows the member, with page l
// of its people, and until when it stays true if nothing is written.
func (m *Module) showData(ctx context.Context, id int64, l membership.List) (showData, time.Time, error) {
	var d showData
	until := time.Now().Add(time.Hour)
	vw := viewerOf(ctx) // roles are read with the data, under the cache's watch
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Community, err = Get(ctx, tx, vw, id); err != nil {
			return err
		}
		if err := d.readPeople(ctx, tx, vw, l); err != nil {
			return err
		}
		if d.Origin, err = m.origin(ctx, tx, d.Community.ID, vw.UserID); err != nil {
			return err
		}
		if d.Member {
			if d.Tabs, err = m.tabs(ctx, tx, d.Community.ID, vw.UserID); err != nil {
				return err
			}
		}
		if !d.Member && d.Community.Kind == Closed {
			return nil // a closed community previews nothing
		}
		if ctx, err = scope.Preload(ctx, tx, vw.UserID); err != nil {
			return err
		}
		content := tenant.Offered(ctx, m.Content)
		for _, src := range content {
			items, err := src.CommunityItems(ctx, tx, d.Community.ID, vw.UserID, 20)
			if err != nil {
				return err
			}
			d.Items = append(d.Items, items...)
		}
		until, err = feed.Until(ctx, tx, until, content)
		return err
	})
	return d, until, err
}

// maxSubs bounds the sub-communities a community's page lists.
const maxSubs = 100

// readPeople reads what vw may do in d's community, its sub-communities,
// and page l of the people they see there: members, and for managers
// those waiting. A list they may not see is not found.
func (d *showData) readPeople(ctx context.Context, tx bun.Tx, vw Viewer, l membership.List) error {
	rctx, err := WithRoles(ctx, tx, vw.UserID, d.Community.ID)
	if err != nil {
		return err
	}
	d.Member = d.Community.MyState == Active
	if d.Member {
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(notify_frequency, '') FROM community_members WHERE community_id = ? AND user_id = ?",
			d.Community.ID, vw.UserID).Scan(&d.Frequency); err != nil {
			return err
		}
	}
	d.Manage = authz.Can(rctx, d.Community.Object(), "manage") && d.Community.State == "active"
	d.Validate = vw.Validator && d.Community.State == "to_validate"
	if d.Subs, _, err = List(ctx, tx, vw, Filter{Parent: d.Community.ID}, keyset.Cursor{}, maxSubs); err != nil {
		return err
	}
	switch {
	case l.State == Active && (d.Member || d.Manage || d.Community.Kind == Open), d.Manage:
		d.People, d.Next, err = MembersPage(ctx, tx, d.Community.ID, l, membership.PageSize)
	case l.Asked:
		err = errNotFound // a list they may not see: no page of it
	}
	return err
}
