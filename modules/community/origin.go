package community

import (
	"context"
	"fmt"

	"github.com/piazza-pa/piazza/tenant"
	"github.com/uptrace/bun"
)

// Origin is a module whose items give birth to communities (a
// proposal's work group): it says what community id was born from, as uid
// (0 for a guest) may see it (ok false: nothing it knows of or shows).
type Origin interface {
	CommunityOrigin(ctx context.Context, tx bun.IDB, id, uid int64) (item Item, ok bool, err error)
}

// Tab is a module with a page of its own in every community (its
// library): the link to it on the community's page, as uid (a member)
// may see it (ok false: none); the link's label is the message
// <item.Type>.tab.
type Tab interface {
	CommunityTab(ctx context.Context, tx bun.IDB, id, uid int64) (item Item, ok bool, err error)
}

// tabs are the links of community id's page to its modules' own pages
// that uid may see.
func (m *Module) tabs(ctx context.Context, tx bun.IDB, id, uid int64) ([]Item, error) {
	var out []Item
	for _, t := range tenant.Offered(ctx, m.Tabs) {
		it, ok, err := t.CommunityTab(ctx, tx, id, uid)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}

// origin is what community id was born from, as uid may see it (nil for
// nothing), asked of the modules that give birth to communities.
func (m *Module) origin(ctx context.Context, tx bun.IDB, id, uid int64) (*Item, error) {
	for _, o := range m.Origins {
		it, ok, err := o.CommunityOrigin(ctx, tx, id, uid)
		if err != nil || ok {
			return &it, err
		}
	}
	return nil, nil
}

// CreateGroup records c, a closed community born from another module's
// item (a proposal's work group), in the caller's transaction: active at
// once, made and managed by manager, with participants as its active
// participants.
func CreateGroup(ctx context.Context, tx bun.IDB, c *Community, manager int64, participants []int64) error {
	c.Kind, c.State, c.CreatedBy = Closed, "active", &manager
	if c.Themes == nil {
		c.Themes = []string{}
	}
	if err := insert(ctx, tx, c, manager); err != nil {
		return err
	}
	_, err := AddParticipants(ctx, tx, c.ID, participants, manager)
	return err
}

// AddParticipants makes each of uids an active participant of community
// id, added by by, in the caller's transaction; who is an active member
// already keeps their role. It says how many it added.
func AddParticipants(ctx context.Context, tx bun.IDB, id int64, uids []int64, by int64) (int, error) {
	added := 0
	for _, uid := range uids {
		l, err := members.Get(ctx, tx, id, uid)
		if err != nil {
			return added, err
		}
		if l != nil && l.State == Active {
			continue
		}
		if err := members.Put(ctx, tx, id, uid, Participant, Active, by); err != nil {
			return added, fmt.Errorf("add participant: %w", err)
		}
		added++
	}
	return added, nil
}
