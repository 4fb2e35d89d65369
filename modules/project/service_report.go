package project

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/richtext"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// The service of progress reports, each action in one of the tenant's
// transactions for the member of ctx; a step tells who waits for it (the
// managers of a submitted report, the referent of a decided one) once
// committed, in their language.

// ReportList is a project's reports page.
type ReportList struct {
	Project *Project
	Reports []ProgressReport
	// Partners are those the viewer may start reports for: every partner
	// for a manager, their own for a referent.
	Partners []Partner
	Today    time.Time
}

// mayStart says whether the member of ctx starts the reports of partner x
// of p.
func mayStart(ctx context.Context, p *Project, x Partner) bool {
	return can(ctx, p, Review) || (x.ReferentID != nil && *x.ReferentID == uidOf(ctx) && can(ctx, p, Write))
}

// ListReports reads project id's reports for the member of ctx.
func (m *Module) ListReports(ctx context.Context, id int64) (*ReportList, error) {
	v := &ReportList{Today: m.today()}
	err := m.in(ctx, id, Read, false, func(ctx context.Context, tx bun.Tx, p *Project) error {
		v.Project = p
		ps, err := partners(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		for _, x := range ps {
			if mayStart(ctx, p, x) {
				v.Partners = append(v.Partners, x)
			}
		}
		v.Reports, err = reportsOf(ctx, tx, p.ID)
		return err
	})
	return v, err
}

// StartReports starts, as drafts, the reports of rp's period within the
// project for its partner (0: every partner the member of ctx starts
// reports for), skipping those that exist.
func (m *Module) StartReports(ctx context.Context, id int64, rp *ProgressReport, errs form.Errors) error {
	return m.write(ctx, id, Write, func(ctx context.Context, tx bun.Tx, p *Project, _ *effects) error {
		ps, err := partners(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		var targets []int64
		known := rp.PartnerID == 0
		for _, x := range ps {
			known = known || x.ID == rp.PartnerID
			if (rp.PartnerID == 0 || x.ID == rp.PartnerID) && mayStart(ctx, p, x) {
				targets = append(targets, x.ID)
			}
		}
		if !known {
			errs.Add("partner_id", "project.error.partner_id")
		}
		dateIn(errs, p, rp.PeriodStart, "period_start")
		dateIn(errs, p, rp.PeriodEnd, "period_end")
		if err := errs.Err(); err != nil {
			return err
		}
		if len(targets) == 0 {
			return authz.ErrForbidden
		}
		return startReports(ctx, tx, p.ID, targets, rp)
	})
}

// startReports inserts the drafts of rp's period for partners, with the
// step that created each; none new is ErrReportExists.
func startReports(ctx context.Context, tx bun.IDB, pid int64, partners []int64, rp *ProgressReport) error {
	var ids []int64
	err := tx.NewRaw(`INSERT INTO project_reports (project_id, partner_id, period_start, period_end)
		SELECT ?, unnest(?::bigint[]), ?, ? ON CONFLICT (partner_id, period_start, period_end) DO NOTHING RETURNING id`,
		pid, pgdialect.Array(partners), rp.PeriodStart, rp.PeriodEnd).Scan(ctx, &ids)
	if err != nil {
		return fmt.Errorf("start reports: %w", err)
	}
	if len(ids) == 0 {
		return form.Errors{"period_start": "project.error.report_exists"}.Err()
	}
	for _, rid := range ids {
		if err := workflow.Record(ctx, tx, workflow.Item{Type: ReportType, Table: "project_reports", ID: rid}, "create", "", workflow.Draft, uidOf(ctx), ""); err != nil {
			return err
		}
	}
	return nil
}

// ReportView is a report's page: the report, who last wrote it, its
// workflow steps and what the viewer may do.
type ReportView struct {
	Project *Project
	Report  *ProgressReport
	Author  string
	Actions []workflow.Transition
	History []workflow.Step
	Edit    bool
	Today   time.Time
}

// ReadReport reads report rid of project id for the member of ctx.
func (m *Module) ReadReport(ctx context.Context, id, rid int64) (*ReportView, error) {
	v := &ReportView{Today: m.today()}
	err := m.in(ctx, id, Read, false, func(ctx context.Context, tx bun.Tx, p *Project) error {
		var err error
		v.Project = p
		if v.Report, err = reportOf(ctx, tx, p.ID, rid); err != nil {
			return err
		}
		v.Edit = v.Report.Open() && v.Report.Writes(ctx, p)
		if v.Author, err = authorName(ctx, tx, v.Report.AuthorID); err != nil {
			return err
		}
		if v.Actions, err = workflow.Available(ctx, tx, ReportType, v.Report.State, v.Report.Guard(ctx, p)); err != nil {
			return err
		}
		v.History, err = workflow.History(ctx, tx, v.Report.Item())
		return err
	})
	return v, err
}

// SaveReport writes body (sanitised) over report rid of project id, which
// the member of ctx writes and is not submitted, and submits it when
// submit says so.
func (m *Module) SaveReport(ctx context.Context, id, rid int64, body string, submit bool, errs form.Errors) error {
	return m.write(ctx, id, Write, func(ctx context.Context, tx bun.Tx, p *Project, _ *effects) error {
		r, err := reportOf(ctx, tx, p.ID, rid)
		if err != nil {
			return err
		}
		if !r.Writes(ctx, p) || !r.Open() {
			return authz.ErrForbidden
		}
		if body = richtext.Sanitize(body); len(body) > 100000 {
			errs.Add("body", "project.error.body")
		}
		if submit && strings.TrimSpace(richtext.Text(body)) == "" {
			errs.Add("body", "project.error.body_empty")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Table("project_reports").Set("body = ?, author_id = ?, updated_at = now()", body, uidOf(ctx)).
			Where("id = ?", r.ID).Exec(ctx); err != nil {
			return fmt.Errorf("save report: %w", err)
		}
		if !submit {
			return nil
		}
		return m.step(ctx, tx, p, r, "submit", "")
	})
}

// StepReport takes workflow action on report rid of project id for the
// member of ctx, with note (the manager's, to the referent: required to
// send it back).
func (m *Module) StepReport(ctx context.Context, id, rid int64, action, note string) error {
	note = strings.TrimSpace(note)
	if action == "send_back" && note == "" {
		return form.Errors{"note": "project.error.note_required"}.Err()
	}
	return m.write(ctx, id, Read, func(ctx context.Context, tx bun.Tx, p *Project, _ *effects) error {
		r, err := reportOf(ctx, tx, p.ID, rid)
		if err != nil {
			return err
		}
		if action == "submit" && strings.TrimSpace(richtext.Text(r.Body)) == "" {
			return form.Errors{"body": "project.error.body_empty"}.Err()
		}
		return m.step(ctx, tx, p, r, action, note)
	})
}

// step applies action to r for the member of ctx; a decision keeps its
// note on the report; who waits for the new state is told.
func (m *Module) step(ctx context.Context, tx bun.IDB, p *Project, r *ProgressReport, action, note string) error {
	if utf8.RuneCountInString(note) > workflow.MaxNote {
		return form.Errors{"note": "workflow.error.note"}.Err()
	}
	tr, err := workflow.Apply(ctx, tx, r.Item(), action, uidOf(ctx), note, r.Guard(ctx, p))
	if err != nil {
		return err
	}
	if tr.Permission == "review" {
		if _, err := tx.NewUpdate().Table("project_reports").Set("note = ?", note).Where("id = ?", r.ID).Exec(ctx); err != nil {
			return err
		}
	}
	return tellReport(ctx, tx, p, r, tr.To)
}

// tellReport records the notifications of r's new state to: for the
// project's managers when submitted, for its partner's referent when
// decided.
func tellReport(ctx context.Context, tx bun.IDB, p *Project, r *ProgressReport, to string) error {
	actor := uidOf(ctx)
	title := p.Name() + " — " + r.PartnerName + " (" + date(r.PeriodStart) + " – " + date(r.PeriodEnd) + ")"
	tell := func(uid int64, key string) error {
		if uid == actor {
			return nil
		}
		e := &notify.Event{ContentType: ReportType, ItemID: r.ID, Title: title, URL: r.URL(), AuthorID: &actor}
		return notify.Tell(ctx, tx, e, uid, key)
	}
	if to != Submitted {
		if r.ReferentID == nil {
			return nil
		}
		return tell(*r.ReferentID, "project.notify.report_"+to)
	}
	ids, err := managersOf(ctx, tx, p.ID)
	for _, uid := range ids {
		if err == nil {
			err = tell(uid, "project.notify.report_submitted")
		}
	}
	return err
}
