package community

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/membership"
)

// The kinds of community.
const (
	Open     = "open"
	Reserved = "reserved"
	Closed   = "closed"
)

// Kinds are the kinds of community, as forms offer them.
var Kinds = []string{Open, Reserved, Closed}

// The roles of a community's members.
const (
	Manager     = "manager"
	Participant = "participant"
	Editor      = "editor"
	Author      = "author"
	Reader      = "reader"
	Guest       = "guest"
)

// Roles are the roles a manager can give.
var Roles = []string{Manager, Editor, Author, Participant, Reader, Guest}

// The states of a membership.
const (
	RequestSent = membership.RequestSent
	Invited     = membership.Invited
	Active      = membership.Active
	Rejected    = membership.Rejected
)

// Errors of the module.
var (
	ErrNotFound    = platform.NewError(platform.ErrNotFound, "no such community")
	ErrNotInvited  = platform.NewKeyedError(platform.ErrConflict, "community.error.not_invited", "there is no invitation to answer")
	ErrState       = platform.NewKeyedError(platform.ErrConflict, "community.error.state", "not waiting for a decision")
	ErrMember      = platform.NewKeyedError(platform.ErrConflict, "community.error.already", "already a member or waiting")
	ErrLastManager = platform.NewKeyedError(platform.ErrConflict, "community.error.last_manager",
		"a community keeps at least one manager")
)

// Community is a community, with the viewer's own membership when loaded
// for a viewer.
type Community struct {
	bun.BaseModel `bun:"table:communities,alias:c"`

	ID          int64     `bun:"id,pk,autoincrement"`
	ParentID    *int64    `bun:"parent_id"`
	Name        string    `bun:"name"`
	Description string    `bun:"description"`
	Kind        string    `bun:"kind"`
	Themes      []string  `bun:"themes,array"`
	State       string    `bun:"state"`
	CreatedBy   *int64    `bun:"created_by"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`

	ParentName string `bun:"parent_name,scanonly"`
	MyRole     string `bun:"my_role,scanonly"`
	MyState    string `bun:"my_state,scanonly"`
	Members    int    `bun:"members,scanonly"`
	// ListKey is the community's place in the list (lower(name), as the
	// database lowers it).
	ListKey string `bun:"list_key,scanonly"`
}

// Object is the community's authorisation object for act on its members
// and settings ("community/<id>/members").
func (c *Community) Object() string { return Object(c.ID) + "members" }

// Object is the prefix of a community's authorisation objects.
func Object(id int64) string { return "community/" + strconv.FormatInt(id, 10) + "/" }

// Viewer is who looks at communities: a member of the tenant, who may be
// one of those who validate new communities.
type Viewer struct {
	UserID    int64
	Validator bool
}

// visibleSQL: active communities that are not closed, or closed ones the
// viewer belongs to or is invited to; those the viewer created; and, for
// validators, those waiting for validation.
const visibleSQL = `((c.state = 'active' AND (c.kind <> 'closed' OR EXISTS (SELECT 1 FROM community_members AS vm
	WHERE vm.community_id = c.id AND vm.user_id = ?0 AND vm.state IN ('active', 'invited'))))
	OR c.created_by = ?0 OR (c.state = 'to_validate' AND ?1))`

// selectFor is the query of communities as v sees them, each with its
// count of members.
func selectFor(tx bun.IDB, v Viewer, dst any) *bun.SelectQuery {
	return selectWith(tx, v, dst, func(q *bun.SelectQuery) *bun.SelectQuery { return members.Mine(q, "c", "members", v.UserID) })
}

// selectWith is the query of communities as v sees them, with v's own
// membership added by mine (members.Mine or members.Own).
func selectWith(tx bun.IDB, v Viewer, dst any, mine func(*bun.SelectQuery) *bun.SelectQuery) *bun.SelectQuery {
	return tx.NewSelect().Model(dst).ColumnExpr("c.id, c.parent_id, c.name, c.description, c.kind, c.themes, c.state, c.created_by, c.created_at").
		ColumnExpr("coalesce(p.name, '') AS parent_name").
		Apply(mine).
		Join("LEFT JOIN communities AS p ON p.id = c.parent_id").
		Where(visibleSQL, v.UserID, v.Validator)
}

// Filter narrows a list of communities.
type Filter struct {
	Theme  string
	Mine   bool
	Parent int64
}

// list is the list's name for its cursors; order is its order: by name,
// then by id.
const list = "communities"

var order = keyset.Order{Key: "lower(c.name)", ID: "c.id", Text: true}

// List returns a page of the communities v may see matching f, by name:
// at most size after cur, each with its count of members (one grouped
// query for the page), and the cursor of the next page ("" for none).
func List(ctx context.Context, tx bun.IDB, v Viewer, f Filter, cur keyset.Cursor, size int) ([]Community, string, error) {
	cs, err := directory.All(ctx, func(cs *[]Community) *bun.SelectQuery {
		own := func(q *bun.SelectQuery) *bun.SelectQuery {
			return members.Own(q, "c", v.UserID).ColumnExpr(order.Key + " AS list_key")
		}
		q := directory.Theme(order.Page(selectWith(tx, v, cs, own), cur, size), "c.themes", f.Theme)
		if f.Mine {
			q = q.Where("mm.state IS NOT NULL AND mm.state <> 'rejected'")
		}
		if f.Parent != 0 {
			q = q.Where("c.parent_id = ?", f.Parent)
		}
		return q
	}, "list communities")
	if err != nil {
		return nil, "", err
	}
	cs, next := keyset.Cut(cs, size, list, func(c *Community) keyset.Cursor {
		return keyset.Cursor{Text: c.ListKey, ID: c.ID}
	})
	ids := make([]int64, len(cs))
	for i := range cs {
		ids[i] = cs[i].ID
	}
	n, err := members.Counts(ctx, tx, ids)
	for i := range cs {
		cs[i].Members = n[cs[i].ID]
	}
	return cs, next, err
}

// Get returns a community v may see, else ErrNotFound.
func Get(ctx context.Context, tx bun.IDB, v Viewer, id int64) (*Community, error) {
	return directory.One(ctx, func(c *Community) *bun.SelectQuery { return selectFor(tx, v, c).Where("c.id = ?", id) },
		ErrNotFound, "get community")
}

// insert records a community and its creator as its first manager.
func insert(ctx context.Context, tx bun.IDB, c *Community, creator int64) error {
	if _, err := tx.NewInsert().Model(c).Returning("id, created_at").Exec(ctx); err != nil {
		return fmt.Errorf("create community: %w", err)
	}
	return members.Put(ctx, tx, c.ID, creator, Manager, Active, 0)
}

// Member is someone's membership of a community.
type Member struct {
	bun.BaseModel `bun:"table:community_members,alias:m"`

	CommunityID int64  `bun:"community_id,pk"`
	UserID      int64  `bun:"user_id,pk"`
	Role        string `bun:"role"`
	State       string `bun:"state"`
	InvitedBy   *int64 `bun:"invited_by"`
	// NotifyFrequency is the member's own frequency for this community ("" for their profile's).
	NotifyFrequency *string    `bun:"notify_frequency"`
	CreatedAt       time.Time  `bun:"created_at,nullzero,default:now()"`
	DecidedAt       *time.Time `bun:"decided_at"`

	Name  string `bun:"name,scanonly"`
	Email string `bun:"email,scanonly"`
	// ListKey is the member's place in a page of a list (membership.Page).
	ListKey string `bun:"list_key,scanonly"`
}

// MembersPage returns page l of community id's list of people (its members,
// requests or invitations), at most size, and the next page's cursor.
func MembersPage(ctx context.Context, tx bun.IDB, id int64, l membership.List, size int) ([]Member, string, error) {
	return membership.Page(ctx, members, id, l, size, func(ms *[]Member) *bun.SelectQuery {
		return tx.NewSelect().Model(ms).ColumnExpr("m.*")
	}, func(m *Member) (string, string, int64) { return m.Role, m.ListKey, m.UserID })
}

// Members lists all of a community's memberships in the given states, by
// name, for work on the whole community (a page shows MembersPage).
func Members(ctx context.Context, tx bun.IDB, id int64, states ...string) ([]Member, error) {
	var ms []Member
	if err := members.People(tx.NewSelect().Model(&ms).ColumnExpr("m.*, u.email"), id, states...).Scan(ctx); err != nil {
		return nil, fmt.Errorf("community members: %w", err)
	}
	return ms, nil
}

// WithRoles returns ctx in which uid also holds, on each of the communities
// ids, the role of their active membership (role:community_<role> on the
// objects "community/<id>/…"), for authz.Can. Content modules call it
// before deciding on an item of those communities.
func WithRoles(ctx context.Context, tx bun.IDB, uid int64, ids ...int64) (context.Context, error) {
	if uid == 0 || len(ids) == 0 {
		return ctx, nil
	}
	var ms []Member
	err := tx.NewSelect().Model(&ms).Column("community_id", "role").
		Where("user_id = ? AND state = 'active' AND community_id IN (?)", uid, bun.List(ids)).Scan(ctx)
	if err != nil {
		return ctx, fmt.Errorf("community roles: %w", err)
	}
	for _, m := range ms {
		ctx = authz.WithRoles(ctx, Object(m.CommunityID), "role:community_"+m.Role)
	}
	return ctx, nil
}

// Joined lists the communities uid is an active member of (id and name),
// to offer as a publication scope.
func Joined(ctx context.Context, tx bun.IDB, uid int64) ([]Community, error) {
	var cs []Community
	err := tx.NewSelect().Model(&cs).Column("c.id", "c.name").
		Join("JOIN community_members AS m ON m.community_id = c.id AND m.user_id = ? AND m.state = 'active'", uid).
		Where("c.state = 'active'").OrderExpr("lower(c.name)").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("my communities: %w", err)
	}
	return cs, nil
}
