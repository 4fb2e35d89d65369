package partnership

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// InterestType is the interests' content type in the workflow.
const InterestType = "partnership_interest"

// The states of an interest.
const (
	Received      = "new"
	TakenOver     = "taken_over"
	InfoRequested = "info_requested"
	Agreement     = "agreement"
	NoAgreement   = "no_agreement"
	Withdrawn     = "withdrawn"
)

// Advise is the permission of the tenant's EEN advisors (and admins) on
// AdviseObject: they read every interest and take each step.
const (
	AdviseObject = "partnership/interests"
	Advise       = "advise"
)

// Errors of interests.
var (
	ErrInterestNotFound = platform.NewError(platform.ErrNotFound, "no such interest")
	ErrClosed           = platform.NewKeyedError(platform.ErrConflict, "partnership.error.not_open",
		"the profile has expired or passed its deadline: it takes no new interest")
	ErrAlready = platform.NewKeyedError(platform.ErrConflict, "partnership.error.already",
		"you have expressed your interest in this profile already")
	ErrNoteRequired = platform.NewKeyedError(platform.ErrInvalid, "partnership.error.note_required",
		"say what information is needed")
)

// Interest is a member's interest in a profile.
type Interest struct {
	bun.BaseModel `bun:"table:partnership_interests,alias:i"`

	ID             int64     `bun:"id,pk,autoincrement"`
	ProfileID      int64     `bun:"profile_id"`
	AuthorID       int64     `bun:"author_id"`
	OrganizationID *int64    `bun:"organization_id"`
	Message        string    `bun:"message"`
	State          string    `bun:"state"`
	AdvisorID      *int64    `bun:"advisor_id"`
	CreatedAt      time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt      time.Time `bun:"updated_at,nullzero,default:now()"`
	// ExternalTenant is the administration of a respondent from another
	// tenant, through the exchange ("" for a member); such a respondent has
	// no account here (AuthorID 0).
	ExternalTenant string `bun:"external_tenant"`
	// ExternalRef is the exchange's mailbox entry it came from (nil for a
	// member's).
	ExternalRef *int64 `bun:"external_ref"`

	AuthorName       string `bun:"author_name,scanonly"`
	OrganizationName string `bun:"organization_name,scanonly"`
	AdvisorName      string `bun:"advisor_name,scanonly"`
	ProfileTitle     string `bun:"profile_title,scanonly"`
	ProfileReference string `bun:"profile_reference,scanonly"`
}

// URL is the address of the interest's page.
func (i *Interest) URL() string { return interestURL(i.ID) }

// Item is the interest's name in the workflow.
func (i *Interest) Item() workflow.Item {
	return workflow.Item{Type: InterestType, Table: "partnership_interests", ID: i.ID}
}

// Closed says whether the follow-up has ended (agreement or not, or
// withdrawn).
func (i *Interest) Closed() bool {
	return i.State == Agreement || i.State == NoAgreement || i.State == Withdrawn
}

// reader is who reads interests: a member, who may be an EEN advisor
// (they read every one).
type reader struct {
	UserID  int64
	Advisor bool
}

// readerOf is the member uid of ctx (0 for a guest, who reads none) as a
// reader of interests.
func readerOf(ctx context.Context, uid int64) reader {
	return reader{UserID: uid, Advisor: uid != 0 && authz.Can(ctx, AdviseObject, Advise)}
}

// guard is what r may do to i: its author withdraws it, advisors take the
// other steps.
func (r reader) guard(i *Interest) workflow.Guard {
	return func(perm string) bool {
		switch perm {
		case "respond":
			return r.UserID != 0 && r.UserID == i.AuthorID
		case Advise:
			return r.Advisor
		}
		return false
	}
}

// interestsFor is the query of the interests r may read: their own and,
// for advisors, all; nothing for a guest. Nobody else reads one. The
// statement goes prepared: the caller's condition names its one argument
// as $3.
func interestsFor(tx bun.IDB, r reader, dst any, arg any) *bun.SelectQuery {
	return tx.NewSelect().Conn(db.Prepared(tx, r.UserID, r.Advisor, arg)).Model(dst).ColumnExpr("?TableColumns").
		ColumnExpr("CASE WHEN i.author_id IS NULL THEN i.external_name ELSE " + auth.NameSQL("u") + " END AS author_name").
		Join("LEFT JOIN users AS u ON u.id = i.author_id").
		ColumnExpr("CASE WHEN i.author_id IS NULL THEN i.external_organization ELSE coalesce(o.name, '') END AS organization_name").
		Join("LEFT JOIN organizations AS o ON o.id = i.organization_id").
		ColumnExpr("coalesce((SELECT " + auth.NameSQL("a") + " FROM users AS a WHERE a.id = i.advisor_id), '') AS advisor_name").
		ColumnExpr("pa.title AS profile_title, pa.reference AS profile_reference").Join("JOIN partnerships AS pa ON pa.id = i.profile_id").
		Where("$1::bigint > 0 AND (i.author_id = $1 OR $2::boolean)")
}

// getInterest returns interest id when r may read it.
func getInterest(ctx context.Context, tx bun.IDB, r reader, id int64) (*Interest, error) {
	i, err := db.One[Interest](ctx, interestsFor(tx, r, new(Interest), id).Where("i.id = $3"), ErrInterestNotFound)
	if err != nil && !errors.Is(err, ErrInterestNotFound) {
		return nil, fmt.Errorf("get interest: %w", err)
	}
	return i, err
}

// interestsOf lists the interests in profile pid that r may read, oldest
// first.
func interestsOf(ctx context.Context, tx bun.IDB, r reader, pid int64) ([]Interest, error) {
	var is []Interest
	if err := interestsFor(tx, r, &is, pid).Where("i.profile_id = $3").OrderExpr("i.created_at, i.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("interests: %w", err)
	}
	return is, nil
}
