package project

import (
	"context"
	"slices"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/tenant"
)

// Who may do what in a project. A person's role in a project is a row of
// project_members; it is added to the request's roles on the project's
// authorisation objects ("project/<id>/…"), and Casbin decides with the
// rules every tenant shares (control migration 0012): managers do
// everything, partner referents and participants read and report their
// tasks' progress, observers read. Who is not a member does not see the
// project at all: every route answers them 404.

// The actions on a project.
const (
	// Read is seeing the project, its plan and its exports.
	Read = "read"
	// Edit is changing the project's data, people and partners.
	Edit = "edit"
	// PlanEdit is changing work packages, tasks, dependencies and milestones.
	PlanEdit = "plan"
	// Report is reporting the progress of a task assigned to oneself.
	Report = "progress"
	// BudgetOwn is changing the budget lines and expenses of the partner
	// one is the referent of; BudgetAll those of every partner.
	BudgetOwn = "budget"
	BudgetAll = "budget_all"
	// Write is writing the progress reports of the partner one is the
	// referent of; Review is approving them or sending them back.
	Write  = "report"
	Review = "review"
)

// object is the prefix of project id's authorisation objects.
func object(id int64) string { return "project/" + strconv.FormatInt(id, 10) + "/" }

// can says whether the member of ctx, whose role in p was read with it,
// may do action on p. It is the module's one check of its roles.
func can(ctx context.Context, p *Project, action string) bool {
	if p == nil || p.MyRole == "" {
		return false
	}
	return authz.Can(authz.WithRoles(ctx, object(p.ID), "role:project_"+p.MyRole), object(p.ID)+"plan", action)
}

// mayReport says whether the member uid of ctx may report the progress
// of task t of p: who edits the plan, or an assignee whose role reports.
func mayReport(ctx context.Context, p *Project, t *Task, uid int64) bool {
	return can(ctx, p, PlanEdit) || (can(ctx, p, Report) && slices.Contains(t.Assignees, uid))
}

// mayCreate says whether the member of ctx may start a project from
// scratch.
func mayCreate(ctx context.Context) bool { return authz.Can(ctx, "project/new", "create") }

// uidOf is the member of ctx.
func uidOf(ctx context.Context) int64 { return auth.UserFromContext(ctx).ID }

// in runs fn, in one of the tenant's transactions, on project id for the
// member of ctx when they may do action on it: a project they are not a
// member of is ErrNotFound, an action their role does not allow
// authz.ErrForbidden. With lock the project's row is held until the
// transaction ends, so that changes of one plan run one after the other.
func (m *Module) in(ctx context.Context, id int64, action string, lock bool, fn func(ctx context.Context, tx bun.Tx, p *Project) error) error {
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		p, err := enter(ctx, tx, id, action, lock)
		if err != nil {
			return err
		}
		return fn(ctx, tx, p)
	})
}

// enter reads project id in tx for the member of ctx when they may do
// action on it (see in).
func enter(ctx context.Context, tx bun.IDB, id int64, action string, lock bool) (*Project, error) {
	p, err := get(ctx, tx, uidOf(ctx), id, lock)
	if err != nil {
		return nil, err
	}
	if !can(ctx, p, action) {
		return nil, authz.ErrForbidden
	}
	return p, nil
}

// mayBudget says whether the member of ctx may change the budget of the
// partner whose referent is referent in p: every partner's for who holds
// BudgetAll, their own partner's for a referent.
func mayBudget(ctx context.Context, p *Project, referent *int64) bool {
	return can(ctx, p, BudgetAll) || (referent != nil && *referent == uidOf(ctx) && can(ctx, p, BudgetOwn))
}

// off says whether the tenant of ctx switched the module off: then it
// offers nothing to the inbox, search or other modules' pages either (its
// pages answer 404, see web.SectionGuard).
func off(ctx context.Context) bool {
	t := tenant.FromContext(ctx)
	return t != nil && (slices.Contains(t.Brand.Published.Off, Key) || !t.Plan.AllowsModule(Key))
}
