package project

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// Progress reports: one per partner and period, written by the partner's
// referent (rich text), submitted, then approved or sent back with a note
// by a manager of the project; one sent back is written again and
// submitted again. The states are the shared workflow's (tenant migration
// 0029 seeds the transitions), each step kept in its history.

// ReportType is the reports' content type in the workflow and in
// notifications.
const ReportType = "project_report"

// The states of a report besides draft.
const (
	Submitted = "submitted"
	Approved  = "approved"
	SentBack  = "sent_back"
)

// LateAfter is how many days after its period's end a report not
// submitted is late.
const LateAfter = 15

// ProgressReport is a partner's progress report for a period.
type ProgressReport struct {
	bun.BaseModel `bun:"table:project_reports,alias:r"`

	ID          int64     `bun:"id,pk,autoincrement"`
	ProjectID   int64     `bun:"project_id"`
	PartnerID   int64     `bun:"partner_id"`
	PeriodStart time.Time `bun:"period_start,type:date"`
	PeriodEnd   time.Time `bun:"period_end,type:date"`
	Body        string    `bun:"body"`
	State       string    `bun:"state"`
	Note        string    `bun:"note"`
	AuthorID    *int64    `bun:"author_id"`
	UpdatedAt   time.Time `bun:"updated_at,nullzero,default:now()"`

	PartnerName string `bun:"partner_name,scanonly"`
	ReferentID  *int64 `bun:"referent_id,scanonly"`
}

// URL is the report's page.
func (r ProgressReport) URL() string {
	return Path(r.ProjectID) + "/reports/" + strconv.FormatInt(r.ID, 10)
}

// Item is the report in the workflow.
func (r *ProgressReport) Item() workflow.Item {
	return workflow.Item{Type: ReportType, Table: "project_reports", ID: r.ID}
}

// Open says whether its referent still writes it (not submitted, or sent
// back).
func (r ProgressReport) Open() bool { return r.State == workflow.Draft || r.State == SentBack }

// Late says whether its period ended more than LateAfter days before
// today and it was not submitted.
func (r ProgressReport) Late(today time.Time) bool {
	return r.Open() && r.PeriodEnd.Before(today.AddDate(0, 0, -LateAfter))
}

// Writes says whether the member of ctx writes r in p: the referent of
// its partner, whose role writes reports.
func (r *ProgressReport) Writes(ctx context.Context, p *Project) bool {
	return r.ReferentID != nil && *r.ReferentID == uidOf(ctx) && can(ctx, p, Write)
}

// Guard is what the member of ctx may do to r in p: its partner's
// referent writes (submits), a manager reviews.
func (r *ProgressReport) Guard(ctx context.Context, p *Project) workflow.Guard {
	return func(perm string) bool {
		switch perm {
		case "write":
			return r.Writes(ctx, p)
		case "review":
			return can(ctx, p, Review)
		}
		return false
	}
}

// reportQuery is the query of project pid's reports with their partner.
func reportQuery(tx bun.IDB, dst any, pid int64) *bun.SelectQuery {
	return tx.NewSelect().Model(dst).ColumnExpr("r.id, r.project_id, r.partner_id, r.period_start, r.period_end, r.body, r.state, r.note, r.author_id, r.updated_at").
		ColumnExpr("o.name AS partner_name, pp.referent_id").
		Join("JOIN project_partners AS pp ON pp.id = r.partner_id").Join("JOIN organizations AS o ON o.id = pp.organization_id").
		Where("r.project_id = ?", pid)
}

// reportsOf reads project pid's reports, the latest period first.
func reportsOf(ctx context.Context, tx bun.IDB, pid int64) ([]ProgressReport, error) {
	var rs []ProgressReport
	if err := reportQuery(tx, &rs, pid).OrderExpr("r.period_end DESC, lower(o.name), r.id").Limit(500).Scan(ctx); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return rs, nil
}

// reportOf reads report rid of project pid (ErrNotFound for none).
func reportOf(ctx context.Context, tx bun.IDB, pid, rid int64) (*ProgressReport, error) {
	r := new(ProgressReport)
	err := reportQuery(tx, r, pid).Where("r.id = ?", rid).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return r, nil
}

// managersOf are the ids of project pid's managers.
func managersOf(ctx context.Context, tx bun.IDB, pid int64) ([]int64, error) {
	var ids []int64
	err := tx.NewRaw("SELECT user_id FROM project_members WHERE project_id = ? AND role = 'manager' ORDER BY user_id", pid).Scan(ctx, &ids)
	return ids, err
}

// authorName is the name of person uid ("" for none).
func authorName(ctx context.Context, tx bun.IDB, uid *int64) (string, error) {
	if uid == nil {
		return "", nil
	}
	var name string
	err := tx.NewRaw("SELECT "+auth.NameSQL("u")+" FROM users AS u WHERE u.id = ?", *uid).Scan(ctx, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name, err
}
