package partnership

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/workflow"
	"github.com/piazza-pa/piazza/tenant"
)

// The service of interests: what members and advisors do with them, each
// in one of the tenant's transactions, for the member of ctx. A new
// interest tells the tenant's advisors; each step an advisor takes tells
// the member, and a withdrawal the advisor who had taken it over, once
// committed.

// uidOf is the member of ctx.
func uidOf(ctx context.Context) int64 { return auth.UserFromContext(ctx).ID }

// openFor returns profile pid when the member uid sees it and may express
// their interest in it: it is open and they have no interest in it under
// way or concluded.
func (m *Module) openFor(ctx context.Context, tx bun.IDB, pid, uid int64) (*Profile, error) {
	p, err := m.Get(ctx, tx, m.ViewerOf(ctx), pid)
	if err != nil {
		return nil, err
	}
	if !p.Open() {
		return nil, ErrClosed
	}
	had, err := tx.NewSelect().Table("partnership_interests").Where("profile_id = ? AND author_id = ? AND state <> 'withdrawn'", pid, uid).Exists(ctx)
	if err == nil && had {
		err = ErrAlready
	}
	return p, err
}

// Responding reads, for the form of a new interest in profile pid, the
// profile and the member's organisations.
func (m *Module) Responding(ctx context.Context, pid int64) (p *Profile, orgs []organization.Organization, err error) {
	uid := uidOf(ctx)
	err = m.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if p, err = m.openFor(ctx, tx, pid, uid); err != nil {
			return err
		}
		orgs, err = organization.Linked(ctx, tx, uid)
		return err
	})
	return p, orgs, err
}

// checkInterest adds to errs what is wrong with in, written by uid: a
// message of 1 to 4,000 characters, an organisation they are an active
// member of.
func checkInterest(ctx context.Context, tx bun.IDB, in *Interest, uid int64, errs form.Errors) error {
	if n := utf8.RuneCountInString(in.Message); n < 1 || n > 4000 {
		errs.Add("message", "partnership.error.message")
	}
	if in.OrganizationID != nil {
		ok, err := organization.WorksForAll(ctx, tx, uid, []int64{*in.OrganizationID})
		if err != nil {
			return err
		}
		if !ok {
			errs.Add("organization_id", "partnership.error.organization")
		}
	}
	return errs.Err()
}

// Express records the member's interest in in.ProfileID and tells the
// tenant's advisors; refused whole (nothing written) when the profile
// takes none from them.
func (m *Module) Express(ctx context.Context, in *Interest, errs form.Errors) error {
	uid := uidOf(ctx)
	advisors, err := m.advisors(ctx)
	if err != nil {
		return err
	}
	return m.Announcing(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT 1 FROM partnerships WHERE id = ? FOR SHARE", in.ProfileID); err != nil {
			return err // an import that expires it waits for the answer, and the answer for the import
		}
		p, err := m.openFor(ctx, tx, in.ProfileID, uid)
		if err != nil {
			return err
		}
		if err := checkInterest(ctx, tx, in, uid, errs); err != nil {
			return err
		}
		in.AuthorID, in.State = uid, Received
		if _, err := tx.NewInsert().Model(in).Column("profile_id", "author_id", "organization_id", "message", "state").
			Returning("id, created_at, updated_at").Exec(ctx); err != nil {
			return fmt.Errorf("record interest: %w", err)
		}
		if err := workflow.Record(ctx, tx, in.Item(), "create", "", Received, uid, ""); err != nil {
			return err
		}
		for _, a := range advisors {
			e := &notify.Event{ContentType: InterestType, ItemID: in.ID, Title: p.Title, URL: in.URL(), AuthorID: &uid}
			if err := notify.Tell(ctx, tx, e, a, "partnership.notify.received"); err != nil {
				return err
			}
		}
		return nil
	})
}

// advisors are the tenant's EEN advisors, to be told of a new interest:
// those who hold the role or, when nobody does, the tenant's admins (who
// advise too). Roles are the control plane's, read outside the tenant's
// transaction.
func (m *Module) advisors(ctx context.Context) ([]int64, error) {
	roles, err := authz.RolesOf(ctx, m.DB, tenant.FromContext(ctx).Domain())
	if err != nil {
		return nil, fmt.Errorf("advisors: %w", err)
	}
	holders := func(role string) []int64 {
		var out []int64
		for sub, rs := range roles {
			id, err := strconv.ParseInt(strings.TrimPrefix(sub, "user:"), 10, 64)
			if err == nil && strings.HasPrefix(sub, "user:") && slices.Contains(rs, role) {
				out = append(out, id)
			}
		}
		return out
	}
	if out := holders(RoleAdvisor); len(out) > 0 {
		return out, nil
	}
	return holders(authz.RoleAdmin), nil
}

// RoleAdvisor is the role of the tenant's EEN advisors.
const RoleAdvisor = "role:een_advisor"

// ShownInterest is an interest and what its reader sees around it.
type ShownInterest struct {
	Interest *Interest
	Actions  []workflow.Transition
	History  []workflow.Step
	// Advisor: the reader is one of the tenant's advisors.
	Advisor bool
}

// ReadInterest returns interest iid as the member of ctx sees it.
func (m *Module) ReadInterest(ctx context.Context, iid int64) (s ShownInterest, err error) {
	r := readerOf(ctx, uidOf(ctx))
	err = m.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		i, err := getInterest(ctx, tx, r, iid)
		if err != nil {
			return err
		}
		s.Interest, s.Advisor = i, r.Advisor
		if s.Actions, err = workflow.Available(ctx, tx, InterestType, i.State, r.guard(i)); err != nil {
			return err
		}
		s.History, err = workflow.History(ctx, tx, i.Item())
		return err
	})
	return s, err
}

// InterestTransition takes workflow action on interest iid for the member
// of ctx, with their note (a request of information needs one), and tells
// the member of an advisor's step, or the advisor in charge of a
// withdrawal.
func (m *Module) InterestTransition(ctx context.Context, iid int64, action, note string) error {
	r := readerOf(ctx, uidOf(ctx))
	note = strings.TrimSpace(note)
	return m.Announcing(ctx, func(ctx context.Context, tx bun.Tx) error {
		i, err := getInterest(ctx, tx, r, iid)
		if err != nil {
			return err
		}
		if action == "request_info" && note == "" && i.State == TakenOver && r.Advisor {
			return ErrNoteRequired
		}
		tr, err := workflow.Apply(ctx, tx, i.Item(), action, r.UserID, note, r.guard(i))
		if err != nil {
			return err
		}
		if tr.To == TakenOver && action == "take_over" {
			if _, err := tx.NewUpdate().Table("partnership_interests").Set("advisor_id = ?", r.UserID).Where("id = ?", i.ID).Exec(ctx); err != nil {
				return fmt.Errorf("take over interest: %w", err)
			}
		}
		e := &notify.Event{ContentType: InterestType, ItemID: i.ID, Title: i.ProfileTitle, URL: i.URL(), AuthorID: &r.UserID}
		if tr.Permission == Advise && i.AuthorID == 0 { // a respondent of another administration: told there
			return m.replied(ctx, tx, i, tr.To, note)
		}
		if tr.Permission == Advise {
			return notify.Tell(ctx, tx, e, i.AuthorID, "partnership.notify."+tr.To)
		}
		if i.AdvisorID != nil {
			return notify.Tell(ctx, tx, e, *i.AdvisorID, "partnership.notify.withdrawn_advisor")
		}
		return nil
	})
}
