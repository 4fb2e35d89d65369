package project

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/directory"
	"github.com/piazza-pa/piazza/platform/feed"
	"github.com/piazza-pa/piazza/platform/lineage"
	"github.com/piazza-pa/piazza/platform/search"
)

// What the module offers the rest of the site: the projects born from an
// item (the proposal's page links them), the project a community belongs
// to, the late tasks in "my activities", and search. Each answers only
// with the projects the person is a member of.

// nameSQL is a project's name as lists show it (Project.Name).
const nameSQL = "(CASE WHEN p.acronym <> '' THEN p.acronym || ' — ' || p.title ELSE p.title END)"

// Children are the projects born from item (kind, id) that uid is a
// member of, and the form that starts one from it.
func (m *Module) Children(ctx context.Context, tx bun.IDB, kind string, id, uid int64) ([]lineage.Link, string, error) {
	if off(ctx) || kind != "proposal" {
		return nil, "", nil
	}
	var ps []Project
	args := &db.Params{} // on every proposal's page: prepared
	q := ofMember(tx, args.Arg(uid), &ps).Where("p.origin_kind = ? AND p.origin_id = ?", args.Arg(kind), args.Arg(id))
	if err := q.Conn(db.Bound(tx, args)).Scan(ctx); err != nil {
		return nil, "", fmt.Errorf("projects born from %s %d: %w", kind, id, err)
	}
	out := make([]lineage.Link, 0, len(ps))
	for _, p := range ps {
		out = append(out, lineage.Link{Kind: "project.kind", Title: p.Name(), URL: p.URL()})
	}
	return out, "/projects/new?from=" + Origin{Kind: kind, ID: id}.String(), nil
}

// CommunityOrigin is the project community id belongs to, for its page
// ("born from"), when uid is one of its people.
func (m *Module) CommunityOrigin(ctx context.Context, tx bun.IDB, id, uid int64) (community.Item, bool, error) {
	if off(ctx) {
		return community.Item{}, false, nil
	}
	var ps []Project
	if err := ofMember(tx, uid, &ps).Where("p.community_id = ?", id).Limit(1).Scan(ctx); err != nil {
		return community.Item{}, false, fmt.Errorf("project of a community: %w", err)
	}
	if len(ps) == 0 {
		return community.Item{}, false, nil
	}
	p := ps[0]
	return community.Item{Type: Key, Title: p.Name(), URL: p.URL(), Summary: p.Summary, State: p.Status, At: p.CreatedAt}, true, nil
}

// lateSQL finds the tasks assigned to a person (its first argument), not
// done, that should have ended before a day (its second), in projects they are still a member of
// (index project_task_assignees_user_idx, then each task by its key).
const lateSQL = `FROM project_task_assignees AS a JOIN project_tasks AS t ON t.id = a.task_id
	JOIN project_members AS pm ON pm.project_id = t.project_id AND pm.user_id = a.user_id
	WHERE a.user_id = ? AND t.status <> 'done' AND t.ends_on < ?`

// Inbox lists what waits for uid in their projects: their late tasks, the
// late reports of the partners they are the referent of, and the reports
// submitted to the projects they manage, the longest waiting first, at
// most limit of each.
func (m *Module) Inbox(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	if off(ctx) {
		return nil, nil
	}
	tasks, err := m.lateTasks(ctx, tx, uid, limit)
	if err != nil {
		return nil, err
	}
	reports, err := m.waitingReports(ctx, tx, uid, limit)
	return append(tasks, reports...), err
}

// lateTasks are uid's late tasks, the longest late first.
func (m *Module) lateTasks(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	var rows []struct {
		ID        int64     `bun:"id"`
		ProjectID int64     `bun:"project_id"`
		Title     string    `bun:"title"`
		Project   string    `bun:"project"`
		EndsOn    time.Time `bun:"ends_on"`
	}
	err := tx.NewRaw(lateTasksQuery).Conn(db.Prepared(tx, uid, m.today(), limit)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("late tasks: %w", err)
	}
	tasks := make([]feed.Task, 0, len(rows))
	for _, r := range rows {
		tasks = append(tasks, feed.Task{Label: "project.task.late", Title: r.Title, Detail: r.Project, At: r.EndsOn,
			URL: Path(r.ProjectID) + "/tasks/" + strconv.FormatInt(r.ID, 10)})
	}
	return tasks, nil
}

// lateReportsSQL finds the reports not submitted of the partners a person
// (its first argument) is the referent of, whose period ended before a
// day (its second), in projects they are still a member of (index
// project_partners_referent_idx, then project_reports_open_idx).
const lateReportsSQL = `FROM project_partners AS pp JOIN project_reports AS r ON r.partner_id = pp.id AND r.state IN ('draft', 'sent_back')
	JOIN project_members AS pm ON pm.project_id = pp.project_id AND pm.user_id = pp.referent_id
	WHERE pp.referent_id = ? AND r.period_end < ?`

// submittedSQL finds the reports submitted to the projects a person (its
// argument) manages (index project_members_user_idx, then
// project_reports_submitted_idx).
const submittedSQL = `FROM project_members AS pm JOIN project_reports AS r ON r.project_id = pm.project_id AND r.state = 'submitted'
	WHERE pm.user_id = ? AND pm.role = 'manager'`

// The inbox's statements, sent prepared (db.Prepared: every page of a
// member with something waiting in a project asks them, for the menu's
// count).
var (
	lateTasksQuery = db.Numbered(`SELECT t.id, t.project_id, t.title, t.ends_on, (SELECT ` + nameSQL + ` FROM projects AS p WHERE p.id = t.project_id) AS project
		` + lateSQL + ` ORDER BY t.ends_on, t.id LIMIT ?`)
	reportCols = `SELECT r.id, r.project_id, r.partner_id, r.period_start, r.period_end, r.state, r.updated_at,
		(SELECT o.name FROM project_partners AS x JOIN organizations AS o ON o.id = x.organization_id WHERE x.id = r.partner_id) AS partner_name,
		(SELECT ` + nameSQL + ` FROM projects AS p WHERE p.id = r.project_id) AS project `
	lateReportsQuery = db.Numbered(reportCols + lateReportsSQL + " ORDER BY r.period_end, r.id LIMIT ?")
	submittedQuery   = db.Numbered(reportCols + submittedSQL + " ORDER BY r.updated_at, r.id LIMIT ?")
)

// reportRow is a report as the inbox lists it.
type reportRow struct {
	ProgressReport
	Project string `bun:"project"`
}

// waitingReports are uid's late reports, then the reports waiting for
// their decision, each the longest waiting first.
func (m *Module) waitingReports(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]feed.Task, error) {
	var late, waiting []reportRow
	err := tx.NewRaw(lateReportsQuery).Conn(db.Prepared(tx, uid, m.lateDay(), limit)).Scan(ctx, &late)
	if err == nil {
		err = tx.NewRaw(submittedQuery).Conn(db.Prepared(tx, uid, limit)).Scan(ctx, &waiting)
	}
	if err != nil {
		return nil, fmt.Errorf("reports waiting: %w", err)
	}
	var tasks []feed.Task
	for _, r := range late {
		tasks = append(tasks, feed.Task{Label: "project.report.late", Title: r.PartnerName + " · " + date(r.PeriodStart) + " – " + date(r.PeriodEnd),
			Detail: r.Project, At: r.PeriodEnd, URL: r.URL()})
	}
	for _, r := range waiting {
		tasks = append(tasks, feed.Task{Label: "project.report.waiting", Title: r.PartnerName + " · " + date(r.PeriodStart) + " – " + date(r.PeriodEnd),
			Detail: r.Project, At: r.UpdatedAt, URL: r.URL(), Actions: []feed.Action{{Label: "project.report.action.approve", URL: r.URL() + "/do/approve"}}})
	}
	return tasks, nil
}

// lateDay is the day before which a report's period must have ended for
// it to be late, not submitted.
func (m *Module) lateDay() time.Time { return m.today().AddDate(0, 0, -LateAfter) }

// Waits is the inbox's probe: whether a task assigned to uid is late, a
// report of a partner they are the referent of is late, or a report
// waits for their decision.
func (m *Module) Waits(ctx context.Context, uid int64) (string, []any, bool) {
	if off(ctx) {
		return "", nil, false
	}
	return "EXISTS (SELECT 1 " + lateSQL + ") OR EXISTS (SELECT 1 " + lateReportsSQL + ") OR EXISTS (SELECT 1 " + submittedSQL + ")",
		[]any{uid, m.today(), uid, m.lateDay(), uid}, true
}

// searching is the text search of projects: title, acronym and summary.
var searching = directory.Search{From: "projects AS p", Columns: "p.id, " + nameSQL + " AS title, p.created_at AS at", ID: "p.id",
	Doc: "p.search", Text: "p.title || ' ' || p.acronym || ' ' || p.summary", Kind: "project.kind", Prefix: "/projects/", What: "projects"}

// Search finds the best projects after q.After matching q.Words among
// those uid is a member of.
func (m *Module) Search(ctx context.Context, tx bun.IDB, q search.Query, uid int64) (*search.Part, error) {
	if off(ctx) {
		return nil, nil
	}
	who := func(context.Context, bun.IDB) (int64, error) { return uid, nil }
	return directory.Find(ctx, tx, searching, q, uid, who, func(sq *bun.SelectQuery, uid int64, p *db.Params) *bun.SelectQuery {
		return sq.Where("EXISTS (SELECT 1 FROM project_members AS vm WHERE vm.project_id = p.id AND vm.user_id = ?)", p.Arg(uid))
	})
}
