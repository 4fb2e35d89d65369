package proposal

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// The service of expressions of interest: what respondents and proposers
// do with them, each in one of the tenant's transactions, for the member
// of ctx; every change of state tells the respondent (and a submission the
// proposer) once committed.

// uidOf is the member of ctx.
func uidOf(ctx context.Context) int64 { return auth.UserFromContext(ctx).ID }

// openFor returns proposal pid when the member uid sees it and may express
// their interest in it: it is open, not theirs, and they have not already.
func (m *Module) openFor(ctx context.Context, tx bun.IDB, pid, uid int64) (*Proposal, error) {
	p, err := m.Get(ctx, tx, m.ViewerOf(ctx), pid)
	if err != nil {
		return nil, err
	}
	if !p.Open() {
		return nil, ErrClosed
	}
	if p.Author() == uid {
		return nil, ErrOwn
	}
	had, err := tx.NewSelect().Table("proposal_interests").Where("proposal_id = ? AND author_id = ?", pid, uid).Exists(ctx)
	if err == nil && had {
		err = ErrAlready
	}
	return p, err
}

// Responding reads, for the form of a new expression of interest in
// proposal pid, the proposal and the member's organisations.
func (m *Module) Responding(ctx context.Context, pid int64) (p *Proposal, orgs []organization.Organization, err error) {
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

// checkInterest adds to errs what is wrong with in, written by uid: an
// offer of 1 to 4,000 characters, a role of at most 200, an organisation
// they are an active member of.
func checkInterest(ctx context.Context, tx bun.IDB, in *Interest, uid int64, errs form.Errors) error {
	if n := len([]rune(in.Offer)); n < 1 || n > 4000 {
		errs.Add("offer", "proposal.error.interest_offer")
	}
	if len([]rune(in.Role)) > 200 {
		errs.Add("role", "proposal.error.interest_role")
	}
	if in.OrganizationID != nil {
		ok, err := organization.WorksForAll(ctx, tx, uid, []int64{*in.OrganizationID})
		if err != nil {
			return err
		}
		if !ok {
			errs.Add("organization_id", "proposal.error.organization")
		}
	}
	return errs.Err()
}

// Respond records the member's expression of interest in in.ProposalID,
// as a draft or, with action "submit", submitted; refused whole (nothing
// written) when the proposal takes none.
func (m *Module) Respond(ctx context.Context, in *Interest, errs form.Errors, action string) error {
	uid := uidOf(ctx)
	return m.Announcing(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT 1 FROM proposals WHERE id = ? FOR SHARE", in.ProposalID); err != nil {
			return err // a closing waits for the answer, and the answer for a closing
		}
		if _, err := m.openFor(ctx, tx, in.ProposalID, uid); err != nil {
			return err
		}
		if err := checkInterest(ctx, tx, in, uid, errs); err != nil {
			return err
		}
		in.AuthorID, in.State = uid, workflow.Draft
		if _, err := tx.NewInsert().Model(in).Column("proposal_id", "author_id", "organization_id", "offer", "role", "state").
			Returning("id, created_at, updated_at").Exec(ctx); err != nil {
			return err
		}
		if err := workflow.Record(ctx, tx, in.Item(), "create", "", workflow.Draft, uid, ""); err != nil {
			return err
		}
		if action != "submit" {
			return nil
		}
		return m.step(ctx, tx, in.ID, "submit", "")
	})
}

// ShownInterest is an expression of interest and what its reader sees
// around it.
type ShownInterest struct {
	Interest *Interest
	Files    attachment.Box
	Actions  []workflow.Transition
	History  []workflow.Step
	// Edit: the reader is its author and may still change it.
	Edit bool
}

// ReadInterest returns expression iid as the member of ctx sees it.
func (m *Module) ReadInterest(ctx context.Context, iid int64) (s ShownInterest, err error) {
	uid := uidOf(ctx)
	err = m.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		i, err := getInterest(ctx, tx, readerOf(ctx, uid), iid)
		if err != nil {
			return err
		}
		s.Interest, s.Edit = i, i.AuthorID == uid && i.Editable()
		files, err := attachment.List(ctx, tx, InterestType, i.ID)
		if err != nil {
			return err
		}
		s.Files = attachment.Box{Type: InterestType, ItemID: i.ID, Files: files, Upload: s.Edit}
		if s.Actions, err = workflow.Available(ctx, tx, InterestType, i.State, i.Guard(uid)); err != nil {
			return err
		}
		s.History, err = workflow.History(ctx, tx, i.Item())
		return err
	})
	return s, err
}

// EditableInterest returns expression iid when the member of ctx wrote it
// and may still change it.
func (m *Module) EditableInterest(ctx context.Context, iid int64) (i *Interest, err error) {
	err = m.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		i, err = m.editableInterest(ctx, tx, iid)
		return err
	})
	return i, err
}

func (m *Module) editableInterest(ctx context.Context, tx bun.IDB, iid int64) (*Interest, error) {
	uid := uidOf(ctx)
	i, err := getInterest(ctx, tx, readerOf(ctx, uid), iid)
	if err != nil {
		return nil, err
	}
	if i.AuthorID != uid || !i.Editable() {
		return nil, authz.ErrForbidden
	}
	return i, nil
}

// SaveInterest writes in over expression iid, which the member of ctx may
// change, and submits it when action says so.
func (m *Module) SaveInterest(ctx context.Context, iid int64, in *Interest, errs form.Errors, action string) error {
	return m.Announcing(ctx, func(ctx context.Context, tx bun.Tx) error {
		i, err := m.editableInterest(ctx, tx, iid)
		if err != nil {
			return err
		}
		if err := checkInterest(ctx, tx, in, i.AuthorID, errs); err != nil {
			return err
		}
		in.ID, in.ProposalID, in.State = i.ID, i.ProposalID, i.State
		if err := saveInterest(ctx, tx, in); err != nil || action != "submit" || i.State != workflow.Draft {
			return err
		}
		return m.step(ctx, tx, i.ID, "submit", "")
	})
}

// InterestTransition takes workflow action on expression iid for the
// member of ctx, with their note (the proposer's, to the respondent).
func (m *Module) InterestTransition(ctx context.Context, iid int64, action, note string) error {
	return m.Announcing(ctx, func(ctx context.Context, tx bun.Tx) error {
		return m.step(ctx, tx, iid, action, strings.TrimSpace(note))
	})
}

// step takes action on expression iid for the member of ctx: a submission
// only while its proposal is open; a decision keeps its note for the
// respondent; the respondent (and, for a submission, the proposer) is
// told.
func (m *Module) step(ctx context.Context, tx bun.IDB, iid int64, action, note string) error {
	uid := uidOf(ctx)
	i, err := getInterest(ctx, tx, readerOf(ctx, uid), iid)
	if err != nil {
		return err
	}
	if action == "submit" {
		var open bool
		if err := tx.NewSelect().Table("proposals").ColumnExpr("state = 'published' AND (closes_at IS NULL OR closes_at > now())").
			Where("id = ?", i.ProposalID).For("SHARE").Scan(ctx, &open); err != nil {
			return err
		}
		if !open {
			return ErrClosed
		}
	}
	tr, err := workflow.Apply(ctx, tx, i.Item(), action, uid, note, i.Guard(uid))
	if err != nil {
		return err
	}
	if tr.Permission == "evaluate" && note != "" {
		if _, err := tx.NewUpdate().Table("proposal_interests").Set("note = ?", note).Where("id = ?", i.ID).Exec(ctx); err != nil {
			return err
		}
	}
	if tr.Permission == "evaluate" && i.AuthorID == 0 { // from another administration: told there
		if err := m.replied(ctx, tx, i.ID, tr.To, note); err != nil {
			return err
		}
	}
	return m.tell(ctx, tx, i, tr.To, uid)
}

// tell records the notifications of i's new state to, changed by actor:
// for the respondent, and for the proposer of a submission.
func (m *Module) tell(ctx context.Context, tx bun.IDB, i *Interest, to string, actor int64) error {
	e := func() *notify.Event {
		return &notify.Event{ContentType: InterestType, ItemID: i.ID, Title: i.ProposalTitle, URL: i.URL(), AuthorID: &actor}
	}
	if i.AuthorID != 0 { // a respondent from another administration has no account here
		if err := notify.Tell(ctx, tx, e(), i.AuthorID, "proposal.notify."+to); err != nil {
			return err
		}
	}
	if to == Submitted && i.ProposerID != 0 {
		return notify.Tell(ctx, tx, e(), i.ProposerID, "proposal.notify.received")
	}
	return nil
}

// Organizations are the organisations the member of ctx is an active
// member of (for the form of an expression of interest).
func (m *Module) Organizations(ctx context.Context) (orgs []organization.Organization, err error) {
	err = m.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		orgs, err = organization.Linked(ctx, tx, uidOf(ctx))
		return err
	})
	return orgs, err
}
