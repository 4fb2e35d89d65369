package proposal

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// InterestType is the expressions of interest's content type in the
// workflow and their attachments.
const InterestType = "proposal_interest"

// The states of an expression of interest.
const (
	Submitted    = "submitted"
	InEvaluation = "in_evaluation"
	Relevant     = "relevant"
	NotRelevant  = "not_relevant"
	Withdrawn    = "withdrawn"
)

// Errors of expressions of interest.
var (
	ErrInterestNotFound = platform.NewError(platform.ErrNotFound, "no such expression of interest")
	ErrClosed           = platform.NewKeyedError(platform.ErrConflict, "proposal.error.not_open",
		"the proposal takes no expressions of interest")
	ErrAlready = platform.NewKeyedError(platform.ErrConflict, "proposal.error.already",
		"you expressed your interest in this proposal already")
	ErrOwn = platform.NewKeyedError(platform.ErrConflict, "proposal.error.own", "this is your own proposal")
)

// Interest is an expression of interest in a proposal.
type Interest struct {
	bun.BaseModel `bun:"table:proposal_interests,alias:i"`

	ID             int64     `bun:"id,pk,autoincrement"`
	ProposalID     int64     `bun:"proposal_id"`
	AuthorID       int64     `bun:"author_id"`
	OrganizationID *int64    `bun:"organization_id"`
	Offer          string    `bun:"offer"`
	Role           string    `bun:"role"`
	State          string    `bun:"state"`
	Note           string    `bun:"note"`
	CreatedAt      time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt      time.Time `bun:"updated_at,nullzero,default:now()"`
	// ExternalTenant is the administration of a respondent from another
	// tenant, through the exchange ("" for a member); such a respondent has
	// no account here (AuthorID 0).
	ExternalTenant string `bun:"external_tenant"`

	AuthorName       string `bun:"author_name,scanonly"`
	OrganizationName string `bun:"organization_name,scanonly"`
	ProposalTitle    string `bun:"proposal_title,scanonly"`
	ProposerID       int64  `bun:"proposer_id,scanonly"`
}

// URL is the address of the expression's page.
func (i *Interest) URL() string { return "/proposals/interests/" + strconv.FormatInt(i.ID, 10) }

// Item is the expression's name in the workflow.
func (i *Interest) Item() workflow.Item {
	return workflow.Item{Type: InterestType, Table: "proposal_interests", ID: i.ID}
}

// Guard is what uid may do to i: its author responds (submits, withdraws),
// the proposer evaluates.
func (i *Interest) Guard(uid int64) workflow.Guard {
	return func(perm string) bool {
		switch perm {
		case "respond":
			return uid != 0 && uid == i.AuthorID
		case "evaluate":
			return uid != 0 && uid == i.ProposerID
		}
		return false
	}
}

// Editable says whether its author still changes it and attaches files:
// until it is evaluated.
func (i *Interest) Editable() bool { return i.State == workflow.Draft || i.State == Submitted }

// reader is who reads expressions of interest: a member, who may be one of
// the tenant's facilitators (they see every one but drafts).
type reader struct {
	UserID      int64
	Facilitator bool
}

// readerOf is the member of ctx as a reader of expressions of interest
// (uid, 0 for a guest, who reads none).
func readerOf(ctx context.Context, uid int64) reader {
	return reader{UserID: uid, Facilitator: uid != 0 && authz.Can(ctx, "profile/member", "validate")}
}

// interestsFor is the query of the expressions of interest r may read:
// their own, those sent to their proposals and, for facilitators, all but
// drafts; nothing for a guest. Nobody else reads one, not even a member of
// the proposal's communities. The statement goes prepared: the caller's
// conditions name the one argument arg as $3.
func interestsFor(tx bun.IDB, r reader, dst any, arg any) *bun.SelectQuery {
	return tx.NewSelect().Conn(db.Prepared(tx, r.UserID, r.Facilitator, arg)).Model(dst).ColumnExpr("?TableColumns").
		ColumnExpr("CASE WHEN i.author_id IS NULL THEN i.external_name ELSE " + auth.NameSQL("u") + " END AS author_name").
		Join("LEFT JOIN users AS u ON u.id = i.author_id").
		ColumnExpr("CASE WHEN i.author_id IS NULL THEN i.external_organization ELSE coalesce(o.name, '') END AS organization_name").
		Join("LEFT JOIN organizations AS o ON o.id = i.organization_id").
		ColumnExpr("pr.title AS proposal_title, coalesce(pr.author_id, 0) AS proposer_id").Join("JOIN proposals AS pr ON pr.id = i.proposal_id").
		Where("$1::bigint > 0 AND (i.author_id = $1 OR (i.state <> 'draft' AND (pr.author_id = $1 OR $2)))")
}

// getInterest returns expression id when r may read it.
func getInterest(ctx context.Context, tx bun.IDB, r reader, id int64) (*Interest, error) {
	i, err := db.One[Interest](ctx, interestsFor(tx, r, new(Interest), id).Where("i.id = $3"), ErrInterestNotFound)
	if err != nil && !errors.Is(err, ErrInterestNotFound) {
		return nil, fmt.Errorf("get expression of interest: %w", err)
	}
	return i, err
}

// interestsOf lists the expressions of interest in proposal pid that r may
// read, oldest first.
func interestsOf(ctx context.Context, tx bun.IDB, r reader, pid int64) ([]Interest, error) {
	var is []Interest
	if err := interestsFor(tx, r, &is, pid).Where("i.proposal_id = $3").OrderExpr("i.created_at, i.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("expressions of interest: %w", err)
	}
	return is, nil
}

// saveInterest writes the respondent's fields of i.
func saveInterest(ctx context.Context, tx bun.IDB, i *Interest) error {
	_, err := tx.NewUpdate().Model(i).Column("offer", "role", "organization_id").Set("updated_at = now()").WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("save expression of interest: %w", err)
	}
	return nil
}
