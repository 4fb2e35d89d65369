package project

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"slices"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
)

// The changes of a budget: lines and expenses, each written with its row
// in the history, by who may change the budget of the line's partner.

// lineFor reads line lid of p, locked, when the member of ctx may change
// its partner's budget.
func lineFor(ctx context.Context, tx bun.IDB, p *Project, lid int64) (*Line, error) {
	l, err := lineOf(ctx, tx, p.ID, lid, true)
	if err != nil {
		return nil, err
	}
	if !mayBudget(ctx, p, l.ReferentID) {
		return nil, authz.ErrForbidden
	}
	return l, nil
}

// SaveLine records l in project id (new when l.ID is 0: its partner and
// category then come from the form, one line per partner and category;
// afterwards only its planned amount and note change).
func (m *Module) SaveLine(ctx context.Context, id int64, l *Line, errs form.Errors) error {
	return m.write(ctx, id, BudgetOwn, func(ctx context.Context, tx bun.Tx, p *Project, _ *effects) error {
		c := &Change{ProjectID: p.ID, ActorID: ptr(uidOf(ctx)), After: ptr(l.PlannedCents), Action: "line_created"}
		if l.ID != 0 {
			was, err := lineFor(ctx, tx, p, l.ID)
			if err != nil {
				return err
			}
			l.PartnerID, l.Category = was.PartnerID, was.Category
			c.Action, c.Before = "line_changed", ptr(was.PlannedCents)
		} else if err := m.newLine(ctx, tx, p, l, errs); err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		l.ProjectID, c.What = p.ID, l.Category
		var err error
		if l.ID == 0 {
			_, err = tx.NewInsert().Model(l).Column("project_id", "partner_id", "category", "note", "planned_cents").Returning("id").Exec(ctx)
		} else {
			_, err = tx.NewUpdate().Model(l).Column("note", "planned_cents").Set("updated_at = now()").WherePK().Exec(ctx)
		}
		if err != nil {
			return fmt.Errorf("save budget line: %w", err)
		}
		c.LineID = &l.ID
		return logChange(ctx, tx, c)
	})
}

// newLine checks a new line's partner (one of p's, whose budget the
// member of ctx changes) and category (one it has no line in yet); the
// project's row is held so that two forms cannot both add it.
func (m *Module) newLine(ctx context.Context, tx bun.IDB, p *Project, l *Line, errs form.Errors) error {
	if _, err := get(ctx, tx, uidOf(ctx), p.ID, true); err != nil {
		return err
	}
	ps, err := partners(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(ps, func(x Partner) bool { return x.ID == l.PartnerID })
	if i < 0 {
		errs.Add("partner_id", "project.error.partner_id")
		return nil
	}
	if !mayBudget(ctx, p, ps[i].ReferentID) {
		return authz.ErrForbidden
	}
	taken, err := tx.NewSelect().Table("project_budget_lines").Where("partner_id = ? AND category = ?", l.PartnerID, l.Category).Exists(ctx)
	if err == nil && taken {
		errs.Add("category", "project.error.line_taken")
	}
	return err
}

// DeleteLine removes line lid of project id, which has no expense.
func (m *Module) DeleteLine(ctx context.Context, id, lid int64) error {
	return m.write(ctx, id, BudgetOwn, func(ctx context.Context, tx bun.Tx, p *Project, _ *effects) error {
		l, err := lineFor(ctx, tx, p, lid)
		if err != nil {
			return err
		}
		if used, err := tx.NewSelect().Table("project_expenses").Where("line_id = ?", l.ID).Exists(ctx); err != nil || used {
			return errOr(err, ErrLineHasExpenses)
		}
		if _, err := tx.NewDelete().Table("project_budget_lines").Where("id = ?", l.ID).Exec(ctx); err != nil {
			return fmt.Errorf("remove budget line: %w", err)
		}
		return logChange(ctx, tx, &Change{ProjectID: p.ID, LineID: &l.ID, Action: "line_removed", What: l.Category,
			Before: &l.PlannedCents, ActorID: ptr(uidOf(ctx))})
	})
}

// ptr is a pointer to v.
func ptr[T any](v T) *T { return &v }

// SaveExpense records e in project id (new when e.ID is 0), with the
// form's file fh (nil for none) as evidence: on a line whose partner's
// budget the member of ctx changes, dated within the project, never
// bringing the line's actual below zero (read with the line held). A
// correction keeps its line.
func (m *Module) SaveExpense(ctx context.Context, id int64, e *Expense, errs form.Errors, fh *multipart.FileHeader) error {
	return m.write(ctx, id, BudgetOwn, func(ctx context.Context, tx bun.Tx, p *Project, fx *effects) error {
		var was *Expense
		if e.ID != 0 {
			var err error
			if was, err = expenseOf(ctx, tx, p.ID, e.ID); err != nil {
				return err
			}
			e.LineID = was.LineID
		}
		l, err := lineFor(ctx, tx, p, e.LineID)
		if errors.Is(err, ErrNotFound) && e.ID == 0 {
			errs.Add("line_id", "project.error.line_id")
		} else if err != nil {
			return err
		}
		if was != nil { // read again, the line held: what its last change left
			if was, err = expenseOf(ctx, tx, p.ID, e.ID); err != nil {
				return err
			}
		}
		dateIn(errs, p, e.SpentOn, "spent_on")
		if err := errs.Err(); err != nil {
			return err
		}
		return m.putExpense(ctx, tx, fx, l, was, e, fh)
	})
}

// putExpense writes e over was (nil: a new expense) on line l, held,
// with its evidence fh, its line's actual and its row in the history.
func (m *Module) putExpense(ctx context.Context, tx bun.IDB, fx *effects, l *Line, was, e *Expense, fh *multipart.FileHeader) error {
	c := &Change{ProjectID: l.ProjectID, LineID: &l.ID, Action: "expense_recorded", What: e.Description, After: &e.AmountCents, ActorID: ptr(uidOf(ctx))}
	delta := e.AmountCents
	if was != nil {
		delta -= was.AmountCents
		c.Action, c.Before = "expense_corrected", &was.AmountCents
	}
	if l.ActualCents+delta < 0 {
		return form.Errors{"amount": "project.error.amount.below_zero"}.Err()
	}
	e.ProjectID, e.CreatedBy = l.ProjectID, c.ActorID
	var err error
	if was == nil {
		_, err = tx.NewInsert().Model(e).Column("project_id", "line_id", "spent_on", "amount_cents", "description", "created_by").
			Returning("id").Exec(ctx)
	} else {
		_, err = tx.NewUpdate().Model(e).Column("spent_on", "amount_cents", "description").Set("updated_at = now()").WherePK().Exec(ctx)
	}
	if err != nil {
		return fmt.Errorf("save expense: %w", err)
	}
	if err := addActual(ctx, tx, l.ID, delta); err != nil {
		return err
	}
	c.ExpenseID = &e.ID
	if err := logChange(ctx, tx, c); err != nil {
		return err
	}
	return m.attach(ctx, tx, fx, e, *c.ActorID, fh)
}

// DeleteExpense removes expense eid of project id with its evidence,
// unless its line's actual would go below zero without it.
func (m *Module) DeleteExpense(ctx context.Context, id, eid int64) error {
	return m.write(ctx, id, BudgetOwn, func(ctx context.Context, tx bun.Tx, p *Project, fx *effects) error {
		e, err := expenseOf(ctx, tx, p.ID, eid)
		if err != nil {
			return err
		}
		l, err := lineFor(ctx, tx, p, e.LineID)
		if err != nil {
			return err
		}
		if e, err = expenseOf(ctx, tx, p.ID, eid); err != nil {
			return err
		}
		if l.ActualCents-e.AmountCents < 0 {
			return ErrBelowZero
		}
		if err := dropFiles(ctx, tx, fx, e.ID); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Table("project_expenses").Where("id = ?", e.ID).Exec(ctx); err != nil {
			return fmt.Errorf("remove expense: %w", err)
		}
		if err := addActual(ctx, tx, l.ID, -e.AmountCents); err != nil {
			return err
		}
		return logChange(ctx, tx, &Change{ProjectID: p.ID, LineID: &l.ID, ExpenseID: &e.ID, Action: "expense_removed",
			What: e.Description, Before: &e.AmountCents, ActorID: ptr(uidOf(ctx))})
	})
}

// ExpenseView is an expense's page: the expense, its line, its evidence,
// and whether the viewer changes it.
type ExpenseView struct {
	Project *Project
	Expense *Expense
	Line    *Line
	Files   []attachment.Attachment
	Edit    bool
}

// ReadExpense reads expense eid of project id for the member of ctx.
func (m *Module) ReadExpense(ctx context.Context, id, eid int64) (*ExpenseView, error) {
	v := &ExpenseView{}
	err := m.in(ctx, id, Read, false, func(ctx context.Context, tx bun.Tx, p *Project) error {
		var err error
		v.Project = p
		if v.Expense, err = expenseOf(ctx, tx, p.ID, eid); err != nil {
			return err
		}
		if v.Line, err = lineOf(ctx, tx, p.ID, v.Expense.LineID, false); err != nil {
			return err
		}
		v.Edit = mayBudget(ctx, p, v.Line.ReferentID)
		v.Files, err = attachment.List(ctx, tx, ExpenseType, eid)
		return err
	})
	return v, err
}
