package project

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/lineage"
)

// The service: what people do with projects, each in one of the tenant's
// transactions, for the member of ctx.

// Origin names the item a project is born from in forms ("proposal:12").
type Origin struct {
	Kind string
	ID   int64
}

// ParseOrigin reads an origin's form value ("" for none; ok false for
// one that names nothing).
func ParseOrigin(s string) (o Origin, ok bool) {
	if s == "" {
		return Origin{}, true
	}
	kind, id, found := strings.Cut(s, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !found || err != nil || n <= 0 || kind != "proposal" {
		return Origin{}, false
	}
	return Origin{Kind: kind, ID: n}, true
}

// String is the origin's form value.
func (o Origin) String() string {
	if o.Kind == "" {
		return ""
	}
	return o.Kind + ":" + strconv.FormatInt(o.ID, 10)
}

// errNoOrigin is an origin no module hands over.
var errNoOrigin = platform.NewError(platform.ErrNotFound, "no such item to start a project from")

// Seed is what the form of a new project starts from: nothing, or what
// the item it is born from hands over to the member of ctx (who must be
// allowed to make it).
func (m *Module) Seed(ctx context.Context, o Origin) (*lineage.Seed, error) {
	if o.Kind == "" {
		if !mayCreate(ctx) {
			return nil, authz.ErrForbidden
		}
		return nil, nil
	}
	var s lineage.Seed
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		s, err = m.handover(ctx, tx, o)
		return err
	})
	return &s, err
}

// handover asks the parent modules for o's seed, for the member of ctx.
func (m *Module) handover(ctx context.Context, tx bun.IDB, o Origin) (lineage.Seed, error) {
	s, ok, err := lineage.Handover(ctx, tx, m.parents, o.Kind, o.ID, uidOf(ctx))
	if err == nil && !ok {
		err = errNoOrigin
	}
	if err == nil && s.Community == 0 {
		err = ErrNoGroup
	}
	if err == nil {
		var n int
		if err = tx.NewRaw("SELECT count(*) FROM projects WHERE origin_kind = ? AND origin_id = ?", o.Kind, o.ID).Scan(ctx, &n); err == nil && n > 0 {
			err = ErrBornAlready
		}
	}
	return s, err
}

// Create records project p, made by the member of ctx, its first manager:
// from scratch (for who may) with a new closed community, or born from
// origin, whose group becomes the project's community and whose people
// its participants (and, with their organisation, its partners with them
// as referents).
func (m *Module) Create(ctx context.Context, p *Project, o Origin) error {
	uid := uidOf(ctx)
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var seed lineage.Seed
		if o.Kind == "" && !mayCreate(ctx) {
			return authz.ErrForbidden
		}
		if o.Kind != "" {
			var err error
			if seed, err = m.handover(ctx, tx, o); err != nil {
				return err
			}
			p.CommunityID, p.OriginKind, p.OriginID = &seed.Community, &o.Kind, &o.ID
		}
		p.CreatedBy = &uid
		if p.CommunityID == nil {
			g := &community.Community{Name: cut(p.Name(), 120), Description: cut(p.Summary, 4000), Themes: p.Themes}
			if err := community.CreateGroup(ctx, tx, g, uid, nil); err != nil {
				return err
			}
			p.CommunityID = &g.ID
		}
		if err := insert(ctx, tx, p); err != nil {
			return err
		}
		if err := putMember(ctx, tx, p.ID, uid, Manager); err != nil {
			return err
		}
		return carryOver(ctx, tx, p, seed.People, uid)
	})
}

// carryOver makes the people handed over members of project p (of its
// community too): partner referents for their organisation, else
// participants.
func carryOver(ctx context.Context, tx bun.IDB, p *Project, people []lineage.Person, by int64) error {
	var uids []int64
	for _, x := range people {
		role := Participant
		if x.OrganizationID != 0 {
			role = Referent
			if err := putPartner(ctx, tx, p.ID, x.OrganizationID, x.UserID); err != nil {
				return err
			}
		}
		if err := putMember(ctx, tx, p.ID, x.UserID, role); err != nil {
			return err
		}
		uids = append(uids, x.UserID)
	}
	_, err := community.AddParticipants(ctx, tx, *p.CommunityID, uids, by)
	return err
}

// cut is s cut to at most n characters.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// List returns a page of the projects of the member of ctx after cur,
// and the cursor of the next page ("" for none).
func (m *Module) List(ctx context.Context, cur keyset.Cursor) (ps []Project, next string, err error) {
	err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ps, next, err = list(ctx, tx, uidOf(ctx), cur)
		return err
	})
	return ps, next, err
}

// Editable reads project id for its form.
func (m *Module) Editable(ctx context.Context, id int64) (p *Project, err error) {
	err = m.in(ctx, id, Edit, false, func(_ context.Context, _ bun.Tx, x *Project) error { p = x; return nil })
	return p, err
}

// Save saves project id's fields from in; its work packages and
// milestones must stay within its new dates.
func (m *Module) Save(ctx context.Context, id int64, in *Project, errs form.Errors) error {
	return m.in(ctx, id, Edit, true, func(ctx context.Context, tx bun.Tx, p *Project) error {
		if len(errs) == 0 {
			var outside int
			err := tx.NewRaw(`SELECT (SELECT count(*) FROM project_work_packages WHERE project_id = ?0 AND (starts_on < ?1 OR ends_on > ?2))
				+ (SELECT count(*) FROM project_milestones WHERE project_id = ?0 AND (due_on < ?1 OR due_on > ?2))`,
				p.ID, in.StartsOn, in.EndsOn).Scan(ctx, &outside)
			if err != nil {
				return err
			}
			if outside > 0 {
				errs.Add("ends_on", "project.error.plan_outside")
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		in.ID = p.ID
		return update(ctx, tx, in)
	})
}

// SetRole gives person uid role in project id; a person who is not yet
// a member must be an active member of the project's community.
func (m *Module) SetRole(ctx context.Context, id, uid int64, role string) error {
	if !slices.Contains(Roles, role) {
		return form.Errors{"role": "project.error.role"}.Err()
	}
	return m.in(ctx, id, Edit, true, func(ctx context.Context, tx bun.Tx, p *Project) error {
		ms, err := members(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ms, func(x Member) bool { return x.UserID == uid })
		if i < 0 {
			cs, err := candidates(ctx, tx, p)
			if err != nil || !slices.ContainsFunc(cs, func(c Candidate) bool { return c.ID == uid }) {
				return errOr(err, form.Errors{"user_id": "project.error.user_id"}.Err())
			}
		} else if ms[i].Role == Manager && role != Manager && managers(ms) == 1 {
			return ErrLastManager
		}
		_, err = tx.NewRaw(`INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, ?)
			ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role`, p.ID, uid, role).Exec(ctx)
		return err
	})
}

// Remove takes person uid out of project id (and of its tasks).
func (m *Module) Remove(ctx context.Context, id, uid int64) error {
	return m.in(ctx, id, Edit, true, func(ctx context.Context, tx bun.Tx, p *Project) error {
		ms, err := members(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ms, func(x Member) bool { return x.UserID == uid })
		if i < 0 {
			return ErrNotFound
		}
		if ms[i].Role == Manager && managers(ms) == 1 {
			return ErrLastManager
		}
		if _, err := tx.NewRaw(`DELETE FROM project_task_assignees WHERE user_id = ? AND task_id IN (SELECT id FROM project_tasks WHERE project_id = ?)`,
			uid, p.ID).Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewDelete().Table("project_members").Where("project_id = ? AND user_id = ?", p.ID, uid).Exec(ctx)
		return err
	})
}

// managers counts the managers among ms.
func managers(ms []Member) int {
	n := 0
	for _, x := range ms {
		if x.Role == Manager {
			n++
		}
	}
	return n
}

// errOr is err when there is one, else alt.
func errOr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}

// AddPartner makes organisation org a partner of project id with referent
// uid, who must be an active member of org and of the project or its
// community; uid becomes a partner referent of the project.
func (m *Module) AddPartner(ctx context.Context, id, org, uid int64) error {
	return m.in(ctx, id, Edit, true, func(ctx context.Context, tx bun.Tx, p *Project) error {
		as, err := affiliations(ctx, tx, p)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(as, func(a Affiliation) bool { return a.OrganizationID == org && a.UserID == uid }) {
			return form.Errors{"partner": "project.error.partner"}.Err()
		}
		if err := putPartner(ctx, tx, p.ID, org, uid); err != nil {
			return err
		}
		if err := putMember(ctx, tx, p.ID, uid, Referent); err != nil {
			return err
		}
		_, err = community.AddParticipants(ctx, tx, *p.CommunityID, []int64{uid}, uidOf(ctx))
		return err
	})
}

// RemovePartner takes partner pid out of project id (its referent stays a
// member, with their role); a partner with a budget or reports stays, as
// they are the project's accounts.
func (m *Module) RemovePartner(ctx context.Context, id, pid int64) error {
	return m.in(ctx, id, Edit, true, func(ctx context.Context, tx bun.Tx, p *Project) error {
		var used bool
		if err := tx.NewRaw(`SELECT EXISTS (SELECT 1 FROM project_budget_lines WHERE partner_id = ?0 AND project_id = ?1)
			OR EXISTS (SELECT 1 FROM project_reports WHERE partner_id = ?0 AND project_id = ?1)`, pid, p.ID).Scan(ctx, &used); err != nil || used {
			return errOr(err, ErrPartnerHasBudget)
		}
		res, err := tx.NewDelete().Table("project_partners").Where("project_id = ? AND id = ?", p.ID, pid).Exec(ctx)
		if err != nil {
			return fmt.Errorf("remove partner: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}
