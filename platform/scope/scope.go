// Package scope is the publication scope of content items: the whole tenant,
// the people interested in given themes or tags, or chosen communities or
// organisations. Visibility is decided inside the SQL that lists or fetches
// items (Filter), never by filtering rows after the query, and the objects on
// which an item's permissions are checked follow from its scope (Objects).
//
// A content table carries the columns state, author_id, public and
// scope_kind, scope_themes, scope_tags, scope_communities,
// scope_organizations (see migrations/tenant/0010_news.sql).
package scope

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// The kinds of scope.
const (
	Tenant        = "tenant"
	Interests     = "interests"
	Communities   = "communities"
	Organizations = "organizations"
)

// Kinds are the kinds of scope, in the order forms offer them.
var Kinds = []string{Tenant, Interests, Communities, Organizations}

// Scope is whom an item is for.
type Scope struct {
	Kind          string   `bun:"scope_kind"`
	Themes        []string `bun:"scope_themes,array"`
	Tags          []int64  `bun:"scope_tags,array"`
	Communities   []int64  `bun:"scope_communities,array"`
	Organizations []int64  `bun:"scope_organizations,array"`
	// Public items (tenant-wide only) are shown to guests too.
	Public bool `bun:"public"`
}

// Check refuses a scope that names nobody, keeping only the lists of its
// kind; problems are reported on the form field "scope".
func (s *Scope) Check(errs form.Errors) {
	keep := func(kind string) bool { return s.Kind == kind }
	if !keep(Interests) {
		s.Themes, s.Tags = nil, nil
	}
	if !keep(Communities) {
		s.Communities = nil
	}
	if !keep(Organizations) {
		s.Organizations = nil
	}
	switch s.Kind {
	case Tenant:
	case Interests:
		if len(s.Themes)+len(s.Tags) == 0 {
			errs.Add("scope", "scope.error.no_interest")
		}
	case Communities:
		if len(s.Communities) == 0 {
			errs.Add("scope", "scope.error.no_community")
		}
	case Organizations:
		if len(s.Organizations) == 0 {
			errs.Add("scope", "scope.error.no_organization")
		}
	default:
		errs.Add("scope", "scope.error.kind")
	}
	if s.Public && s.Kind != Tenant {
		errs.Add("scope", "scope.error.public")
	}
}

// Viewer is who looks at content.
type Viewer struct {
	// UserID is 0 for a guest.
	UserID int64
	// Validator: the viewer validates tenant-wide content of this type (the
	// tenant's validators and admins).
	Validator bool
	// M are the member's memberships when preloaded (see From); without
	// them Filter looks them up in subqueries.
	M *Memberships
	// P, when set, are the parameters of a statement that goes prepared
	// (search): Filter writes the viewer's values as parameters of it, and
	// the type's own rules should too (P.Arg).
	P *db.Params
}

// visible is the condition of an item of the table aliased %[1]s
// being visible to a viewer (%[2]s the user's id, %[3]s whether a tenant
// validator — placeholders or expressions):
// published and either public or for the viewer; the viewer's own items;
// items waiting for the viewer's decision (or archived) when the viewer
// validates them — tenant validators tenant-wide content, managers of a
// community that community's.
const visible = `(
  (%[1]s.state = 'published' AND (%[1]s.public OR (%[2]s > 0 AND (
      %[1]s.scope_kind = 'tenant'
      OR (%[1]s.scope_kind = 'interests' AND EXISTS (SELECT 1 FROM profiles AS sp WHERE sp.user_id = %[2]s
            AND (sp.themes && %[1]s.scope_themes OR sp.tags && %[1]s.scope_tags)))
      OR (%[1]s.scope_kind = 'communities' AND EXISTS (SELECT 1 FROM community_members AS sm WHERE sm.user_id = %[2]s
            AND sm.state = 'active' AND sm.community_id = ANY (%[1]s.scope_communities)))
      OR (%[1]s.scope_kind = 'organizations' AND EXISTS (SELECT 1 FROM organization_members AS so WHERE so.user_id = %[2]s
            AND so.state = 'active' AND so.organization_id = ANY (%[1]s.scope_organizations)))))))
  OR (%[2]s > 0 AND %[1]s.author_id = %[2]s)
  OR (%[2]s > 0 AND %[1]s.state IN ('to_validate', 'archived') AND (
      (%[1]s.scope_kind <> 'communities' AND %[3]s)
      OR (%[1]s.scope_kind = 'communities' AND EXISTS (SELECT 1 FROM community_members AS sv WHERE sv.user_id = %[2]s
            AND sv.state = 'active' AND sv.role = 'manager' AND sv.community_id = ANY (%[1]s.scope_communities)))))
)`

// Filter adds to q the condition that the rows of the content table
// aliased alias are visible to v.
func Filter(q *bun.SelectQuery, alias string, v Viewer) *bun.SelectQuery {
	if m := v.M; m != nil && m.UserID == v.UserID {
		return q.Where(fmt.Sprintf(visibleArrays, alias), arrays(alias, v, m)...)
	}
	return q.Where(condition(alias), v.P.Arg(v.UserID), v.P.Arg(v.Validator))
}

// arrays are the arguments of visibleArrays for the viewer v with the
// memberships m, on the table aliased alias.
func arrays(alias string, v Viewer, m *Memberships) []any {
	return []any{v.P.Arg(v.UserID), v.P.Arg(v.Validator), overlaps(alias+".scope_communities", m.Communities, v.P),
		overlaps(alias+".scope_communities", m.Managed, v.P), overlaps(alias+".scope_organizations", m.Organizations, v.P),
		overlaps(alias+".scope_themes", m.Themes, v.P), overlaps(alias+".scope_tags", m.Tags, v.P)}
}

// overlaps is the condition that the array column shares an element of
// l: FALSE for none, which the planner drops with its branch of the
// condition (the scope columns are never NULL, so "column && '{}'" is
// false too, but planned as any other: a fifth of a list's planning).
// With parameters p (a statement planned once for every viewer) it is
// the overlap with the list as a parameter, empty or not.
func overlaps[T int64 | string](column string, l []T, p *db.Params) schema.QueryWithArgs {
	if p != nil {
		return bun.SafeQuery(column+" && ?", p.Arg(l))
	}
	if len(l) == 0 {
		return bun.SafeQuery("FALSE")
	}
	return bun.SafeQuery(column+" && ?", pgdialect.Array(l))
}

// PublishedFor is the condition that a published row of the table aliased
// alias is for the member whose id is the SQL expression user (a column,
// for finding everyone an item is for). Both names come from the code.
func PublishedFor(alias, user string) string {
	return "(" + alias + ".state = 'published' AND " + fmt.Sprintf(visible, alias, user, "false") + ")"
}

// Objects are the authorisation objects of an item of contentType with
// scope s: "community/<id>/content/<type>" for each of its communities,
// else "content/<type>". A permission on any of them is a permission on the
// item.
func Objects(contentType string, s Scope) []string {
	if s.Kind != Communities || len(s.Communities) == 0 {
		return []string{"content/" + contentType}
	}
	ids := slices.Clone(s.Communities)
	slices.Sort(ids)
	out := make([]string, 0, len(ids))
	for _, id := range slices.Compact(ids) {
		out = append(out, "community/"+strconv.FormatInt(id, 10)+"/content/"+contentType)
	}
	return out
}

// condition is the visibility condition over alias, a name the code chose
// (never input).
func condition(alias string) string { return fmt.Sprintf(visible, alias, "?0", "?1") }

// ForNew is the scope a new item's form starts with: the community named
// by ?community= (from its page's "write" link), else the whole tenant.
func ForNew(c *fiber.Ctx) Scope {
	if id, err := strconv.ParseInt(c.Query("community"), 10, 64); err == nil {
		return Scope{Kind: Communities, Communities: []int64{id}}
	}
	return Scope{Kind: Tenant}
}

// FromForm reads a scope from a posted form's fields scope_kind,
// scope_themes (known themes only), scope_tags, scope_communities,
// scope_organizations and public; lists are never nil.
func FromForm(c *fiber.Ctx) Scope {
	s := Scope{Kind: c.FormValue("scope_kind"), Themes: taxonomy.KnownThemes(form.Values(c, "scope_themes")),
		Tags: form.IDs(form.Values(c, "scope_tags")), Communities: form.IDs(form.Values(c, "scope_communities")),
		Organizations: form.IDs(form.Values(c, "scope_organizations")), Public: c.FormValue("public") != ""}
	s.Lists()
	return s
}

// Lists makes the scope's lists non-nil (the columns are NOT NULL).
func (s *Scope) Lists() {
	for _, l := range []*[]int64{&s.Tags, &s.Communities, &s.Organizations} {
		if *l == nil {
			*l = []int64{}
		}
	}
	if s.Themes == nil {
		s.Themes = []string{}
	}
}

// Memberships are what a member's visibility depends on: their active
// communities (and those they manage), organisations, themes and tags.
// Loaded once for a request (Preload), they let Filter compare arrays
// instead of running a subquery per condition, which the database plans
// several times faster.
type Memberships struct {
	UserID        int64
	Communities   []int64
	Managed       []int64
	Organizations []int64
	Themes        []string
	Tags          []int64
}

type membershipsKey struct{}

// kept holds the memberships read by a request's first Preload.
type kept struct {
	mu sync.Mutex
	m  *Memberships
}

type keptKey struct{}

// Keep returns ctx in which the memberships the first Preload reads are
// kept for the later ones: for a request that writes nothing (a page
// read), whose transactions (the page's, the menu's count) would all read
// the same.
func Keep(ctx context.Context) context.Context {
	return context.WithValue(ctx, keptKey{}, &kept{})
}

// Preload reads uid's memberships in tx (or takes those kept for the
// request, see Keep) and returns ctx carrying them, for the Filters of
// this request (From).
func Preload(ctx context.Context, tx bun.IDB, uid int64) (context.Context, error) {
	if uid == 0 {
		return ctx, nil
	}
	k, _ := ctx.Value(keptKey{}).(*kept)
	if k != nil {
		k.mu.Lock()
		m := k.m
		k.mu.Unlock()
		if m != nil && m.UserID == uid {
			return context.WithValue(ctx, membershipsKey{}, m), nil
		}
	}
	m, err := readMemberships(ctx, tx, uid)
	if err != nil {
		return ctx, err
	}
	if k != nil {
		k.mu.Lock()
		k.m = m
		k.mu.Unlock()
	}
	return context.WithValue(ctx, membershipsKey{}, m), nil
}

// readMemberships reads uid's memberships in tx.
func readMemberships(ctx context.Context, tx bun.IDB, uid int64) (*Memberships, error) {
	m := &Memberships{UserID: uid}
	err := db.QueryRow(ctx, tx, `SELECT
		ARRAY(SELECT community_id FROM community_members WHERE user_id = ? AND state = 'active'),
		ARRAY(SELECT community_id FROM community_members WHERE user_id = ? AND state = 'active' AND role = 'manager'),
		ARRAY(SELECT organization_id FROM organization_members WHERE user_id = ? AND state = 'active'),
		coalesce((SELECT themes FROM profiles WHERE user_id = ?), '{}'),
		coalesce((SELECT tags FROM profiles WHERE user_id = ?), '{}')`, uid, uid, uid, uid, uid).
		Scan(pgdialect.Array(&m.Communities), pgdialect.Array(&m.Managed), pgdialect.Array(&m.Organizations),
			pgdialect.Array(&m.Themes), pgdialect.Array(&m.Tags))
	if err != nil {
		return nil, fmt.Errorf("scope: memberships: %w", err)
	}
	return m, nil
}

// From returns v with the memberships ctx carries for its member, if any.
func From(ctx context.Context, v Viewer) Viewer {
	if m, ok := ctx.Value(membershipsKey{}).(*Memberships); ok && v.UserID != 0 && m.UserID == v.UserID {
		v.M = m
	}
	return v
}

// visibleArrays is visible with the memberships given as conditions on
// the scope's arrays (overlaps): ?0 the user, ?1 validator, ?2 the
// communities', ?3 the managed communities', ?4 the organisations', ?5
// the themes', ?6 the tags'.
const visibleArrays = `(
  (%[1]s.state = 'published' AND (%[1]s.public OR (?0 > 0 AND (
      %[1]s.scope_kind = 'tenant'
      OR (%[1]s.scope_kind = 'interests' AND (?5 OR ?6))
      OR (%[1]s.scope_kind = 'communities' AND ?2)
      OR (%[1]s.scope_kind = 'organizations' AND ?4)))))
  OR (?0 > 0 AND %[1]s.author_id = ?0)
  OR (?0 > 0 AND %[1]s.state IN ('to_validate', 'archived') AND (
      (%[1]s.scope_kind <> 'communities' AND ?1)
      OR (%[1]s.scope_kind = 'communities' AND ?3)))
)`
