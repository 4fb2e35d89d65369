package project

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/keyset"
)

// The SQL of the projects and their people; every read of a project is
// for a viewer, and finds only the projects they are a member of.

// columns are the projects' columns a page reads (not the search vector).
const columns = `p.id, p.title, p.acronym, p.summary, p.themes, p.starts_on, p.ends_on, p.status, p.programme,
	p.funding_call, p.grant_cents, p.community_id, p.origin_kind, p.origin_id, p.created_by, p.created_at, p.updated_at`

// ofMember is the query of the projects uid is a member of, each with
// uid's role (uid a value, or a parameter of db.Params).
func ofMember(tx bun.IDB, uid any, dst any) *bun.SelectQuery {
	return tx.NewSelect().Model(dst).ColumnExpr(columns).ColumnExpr("me.role AS my_role").
		Join("JOIN project_members AS me ON me.project_id = p.id AND me.user_id = ?", uid)
}

// get reads project id as uid sees it: ErrNotFound unless uid is a
// member. lock takes the project's row for the rest of the transaction
// (every change of its plan does, so that two changes of one plan run one
// after the other).
func get(ctx context.Context, tx bun.IDB, uid, id int64, lock bool) (*Project, error) {
	args := &db.Params{} // every project page reads its project: prepared
	q := ofMember(tx, args.Arg(uid), new(Project)).Where("p.id = ?", args.Arg(id)).Conn(db.Bound(tx, args))
	if lock {
		q = q.For("UPDATE OF p")
	}
	p, err := db.One[Project](ctx, q, ErrNotFound)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("project: %w", err)
	}
	return p, err
}

// listOrder is the list's order: the newest projects first.
var listOrder = keyset.Order{Key: "p.created_at", ID: "p.id", Desc: true}

// listName binds the list's cursors to it.
const listName = "projects"

// list reads a page of uid's projects after cur.
func list(ctx context.Context, tx bun.IDB, uid int64, cur keyset.Cursor) ([]Project, string, error) {
	var ps []Project
	if err := listOrder.Page(ofMember(tx, uid, &ps), cur, keyset.Size).Scan(ctx); err != nil {
		return nil, "", fmt.Errorf("projects: %w", err)
	}
	ps, next := keyset.Cut(ps, keyset.Size, listName, func(p *Project) keyset.Cursor {
		return keyset.Cursor{At: p.CreatedAt, ID: p.ID}
	})
	return ps, next, nil
}

// insert records p.
func insert(ctx context.Context, tx bun.IDB, p *Project) error {
	if p.Themes == nil {
		p.Themes = []string{}
	}
	_, err := tx.NewInsert().Model(p).ExcludeColumn("created_at", "updated_at").Returning("id, created_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("insert project: %w", err)
	}
	return nil
}

// update saves p's own fields.
func update(ctx context.Context, tx bun.IDB, p *Project) error {
	if p.Themes == nil {
		p.Themes = []string{}
	}
	_, err := tx.NewUpdate().Model(p).Column("title", "acronym", "summary", "themes", "starts_on", "ends_on", "status",
		"programme", "funding_call", "grant_cents").Set("updated_at = now()").WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("save project: %w", err)
	}
	return nil
}

// members reads project id's people, managers first, then by name.
func members(ctx context.Context, tx bun.IDB, id int64) ([]Member, error) {
	var ms []Member
	err := tx.NewSelect().Model(&ms).Column("pm.project_id", "pm.user_id", "pm.role").
		ColumnExpr(auth.NameSQL("u")+" AS name").Join("JOIN users AS u ON u.id = pm.user_id").
		Where("pm.project_id = ?", id).
		OrderExpr("array_position(ARRAY['manager', 'referent', 'participant', 'observer'], pm.role), lower(" + auth.NameSQL("u") + "), pm.user_id").
		Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("project members: %w", err)
	}
	return ms, nil
}

// putMember gives uid role in project id, keeping a manager's role.
func putMember(ctx context.Context, tx bun.IDB, id, uid int64, role string) error {
	_, err := tx.NewRaw(`INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, ?)
		ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role WHERE project_members.role <> 'manager'`, id, uid, role).Exec(ctx)
	if err != nil {
		return fmt.Errorf("project member: %w", err)
	}
	return nil
}

// partners reads project id's partners, by name.
func partners(ctx context.Context, tx bun.IDB, id int64) ([]Partner, error) {
	var ps []Partner
	p := &db.Params{}
	err := tx.NewSelect().Model(&ps).Column("pp.id", "pp.project_id", "pp.organization_id", "pp.referent_id").
		ColumnExpr("o.name").ColumnExpr("coalesce("+auth.NameSQL("u")+", '') AS referent_name").
		Join("JOIN organizations AS o ON o.id = pp.organization_id").Join("LEFT JOIN users AS u ON u.id = pp.referent_id").
		Where("pp.project_id = ?", p.Arg(id)).OrderExpr("lower(o.name), pp.id").Conn(db.Bound(tx, p)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("project partners: %w", err)
	}
	return ps, nil
}

// putPartner makes organisation org a partner of project id with referent
// uid (a partner already there takes the new referent).
func putPartner(ctx context.Context, tx bun.IDB, id, org, uid int64) error {
	_, err := tx.NewRaw(`INSERT INTO project_partners (project_id, organization_id, referent_id) VALUES (?, ?, ?)
		ON CONFLICT (project_id, organization_id) DO UPDATE SET referent_id = EXCLUDED.referent_id`, id, org, uid).Exec(ctx)
	if err != nil {
		return fmt.Errorf("project partner: %w", err)
	}
	return nil
}

// Affiliation is a person of a project's community with an organisation
// they are an active member of: a partner they could be the referent of.
type Affiliation struct {
	UserID           int64  `bun:"user_id"`
	Name             string `bun:"name"`
	OrganizationID   int64  `bun:"organization_id"`
	OrganizationName string `bun:"organization_name"`
}

// affiliations lists, for project p, the organisations its people and its
// community's members belong to (the partners a manager may add), by
// organisation and name.
func affiliations(ctx context.Context, tx bun.IDB, p *Project) ([]Affiliation, error) {
	var out []Affiliation
	err := tx.NewRaw(`SELECT om.user_id, `+auth.NameSQL("u")+` AS name, o.id AS organization_id, o.name AS organization_name
		FROM organization_members AS om JOIN organizations AS o ON o.id = om.organization_id JOIN users AS u ON u.id = om.user_id
		WHERE om.state = 'active' AND u.status = 'active' AND om.user_id IN (
			SELECT user_id FROM project_members WHERE project_id = ?0
			UNION SELECT user_id FROM community_members WHERE community_id = ?1 AND state = 'active')
		ORDER BY lower(o.name), o.id, lower(`+auth.NameSQL("u")+`), u.id LIMIT 500`, p.ID, p.CommunityID).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("affiliations: %w", err)
	}
	return out, nil
}

// Candidate is someone a manager may give a role in a project.
type Candidate struct {
	ID   int64  `bun:"id"`
	Name string `bun:"name"`
}

// candidates are the active members of project p's community who have no
// role in it yet, by name.
func candidates(ctx context.Context, tx bun.IDB, p *Project) ([]Candidate, error) {
	var out []Candidate
	if p.CommunityID == nil {
		return out, nil
	}
	err := tx.NewRaw(`SELECT u.id, `+auth.NameSQL("u")+` AS name FROM community_members AS cm JOIN users AS u ON u.id = cm.user_id
		WHERE cm.community_id = ? AND cm.state = 'active' AND u.status = 'active'
		AND NOT EXISTS (SELECT 1 FROM project_members AS pm WHERE pm.project_id = ? AND pm.user_id = u.id)
		ORDER BY lower(`+auth.NameSQL("u")+`), u.id LIMIT 500`, *p.CommunityID, p.ID).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("project candidates: %w", err)
	}
	return out, nil
}

// touch marks project id changed now.
func touch(ctx context.Context, tx bun.IDB, id int64) error {
	_, err := tx.NewUpdate().Table("projects").Set("updated_at = ?", time.Now()).Where("id = ?", id).Exec(ctx)
	return err
}
