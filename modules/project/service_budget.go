package project

import (
	"context"
	"fmt"
	"mime/multipart"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/tenant"
)

// The service of a project's budget. A change of a line's actual (an
// expense recorded, corrected or removed) holds the line's row from the
// start of its transaction (SELECT … FOR UPDATE), reads the line's actual
// after taking it and refuses what would bring it below zero: two
// changes of one line run one after the other, each seeing the other's.

// ErrBelowZero is a change that would bring a line's actual below zero.
var ErrBelowZero = platform.NewKeyedError(platform.ErrConflict, "project.error.amount.below_zero",
	"the line's actual would go below zero")

// effects are what a transaction leaves behind it: the files it stored
// (removed again if it rolls back) and those it let go (removed once it
// has committed); the notifications it recorded are dispatched once it
// has committed.
type effects struct{ stored, dropped []string }

// write runs fn on project id, for the member of ctx when they may do
// action on it, in one of the tenant's transactions, and then sees to its
// effects.
func (m *Module) write(ctx context.Context, id int64, action string, fn func(ctx context.Context, tx bun.Tx, p *Project, fx *effects) error) error {
	ctx, sent := notify.WithOutbox(ctx)
	fx := &effects{}
	err := m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		p, err := enter(ctx, tx, id, action, false)
		if err != nil {
			return err
		}
		return fn(ctx, tx, p, fx)
	})
	slug, bg := tenant.FromContext(ctx).Slug, context.WithoutCancel(ctx)
	gone := fx.dropped
	if err != nil {
		gone = fx.stored
	}
	for _, k := range gone {
		_ = m.files.Delete(bg, slug, k)
	}
	if err == nil {
		notify.DispatchAll(bg, m.dispatch, slug, sent())
	}
	return err
}

// Sum is planned and actual amounts of a part of a budget.
type Sum struct {
	Label           string
	Planned, Actual int64
}

// Variance is what is left of the planned amount (negative: over budget).
func (s Sum) Variance() int64 { return s.Planned - s.Actual }

// Percent is the actual as a share of the planned amount, in whole per
// cent (0 when nothing is planned).
func (s Sum) Percent() int64 { return percent(s.Actual, s.Planned) }

// percent is part as a whole per cent of all (0 when all is 0).
func percent(part, all int64) int64 {
	if all <= 0 {
		return 0
	}
	return part * 100 / all
}

// Budget is a project's budget page.
type Budget struct {
	Project  *Project
	Partners []Partner
	Lines    []Line
	Total    Sum
	// ByPartner are the partners' sums (Label their name), ByCategory the
	// categories' (Label the category), in the order pages show them.
	ByPartner  []Sum
	ByCategory []Sum
	Months     []Month
	Expenses   []Expense
	Next       string
	Recent     []Change
	// All: the viewer changes every partner's budget; Own are the
	// partners whose budget they change.
	All bool
	Own []int64
}

// Editable says whether the viewer changes the budget of partner pid.
func (b *Budget) Editable(pid int64) bool { return b.All || slices.Contains(b.Own, pid) }

// Edits says whether the viewer changes any of the budget.
func (b *Budget) Edits() bool { return b.All || len(b.Own) > 0 }

// ReadBudget reads project id's budget page for the member of ctx, with
// the page of expenses after cur.
func (m *Module) ReadBudget(ctx context.Context, id int64, cur keyset.Cursor) (*Budget, error) {
	b := &Budget{}
	err := m.in(ctx, id, Read, false, func(ctx context.Context, tx bun.Tx, p *Project) error {
		var err error
		b.Project = p
		if b.Partners, err = partners(ctx, tx, p.ID); err != nil {
			return err
		}
		if b.Lines, err = linesOf(ctx, tx, p.ID); err != nil {
			return err
		}
		if b.Months, err = monthsOf(ctx, tx, p.ID); err != nil {
			return err
		}
		if b.Expenses, b.Next, err = expensePage(ctx, tx, p.ID, cur); err != nil {
			return err
		}
		b.Recent, _, err = historyPage(ctx, tx, p.ID, keyset.Cursor{}, 10)
		b.access(ctx, p)
		b.sum()
		return err
	})
	return b, err
}

// access notes which partners' budget the viewer changes.
func (b *Budget) access(ctx context.Context, p *Project) {
	b.All = can(ctx, p, BudgetAll)
	for _, x := range b.Partners {
		if !b.All && mayBudget(ctx, p, x.ReferentID) {
			b.Own = append(b.Own, x.ID)
		}
	}
}

// sum adds the lines up by partner (every partner, in the partners'
// order) and by category (every category).
func (b *Budget) sum() {
	byPartner := map[int64]*Sum{}
	for _, x := range b.Partners {
		b.ByPartner = append(b.ByPartner, Sum{Label: x.Name})
	}
	for i, x := range b.Partners {
		byPartner[x.ID] = &b.ByPartner[i]
	}
	b.ByCategory = make([]Sum, len(Categories))
	for i, c := range Categories {
		b.ByCategory[i].Label = c
	}
	for _, l := range b.Lines {
		for _, s := range []*Sum{byPartner[l.PartnerID], &b.ByCategory[slices.Index(Categories, l.Category)], &b.Total} {
			if s != nil {
				s.Planned += l.PlannedCents
				s.Actual += l.ActualCents
			}
		}
	}
}

// Burn is a project's budget at a glance (its page's dashboard): the
// total, and the partner furthest over budget (nil when none is over).
type Burn struct {
	Total Sum
	Over  *Sum
}

// burnOf sums lines into a Burn.
func burnOf(lines []Line) Burn {
	var b Burn
	byPartner := map[int64]*Sum{}
	var order []int64
	for _, l := range lines {
		s, ok := byPartner[l.PartnerID]
		if !ok {
			s = &Sum{Label: l.PartnerName}
			byPartner[l.PartnerID], order = s, append(order, l.PartnerID)
		}
		s.Planned += l.PlannedCents
		s.Actual += l.ActualCents
		b.Total.Planned += l.PlannedCents
		b.Total.Actual += l.ActualCents
	}
	for _, id := range order {
		if s := byPartner[id]; s.Variance() < 0 && (b.Over == nil || s.Variance() < b.Over.Variance()) {
			b.Over = s
		}
	}
	return b
}

// History reads a page of project id's budget history after cur.
func (m *Module) History(ctx context.Context, id int64, cur keyset.Cursor) (p *Project, cs []Change, next string, err error) {
	err = m.in(ctx, id, Read, false, func(ctx context.Context, tx bun.Tx, x *Project) error {
		p = x
		cs, next, err = historyPage(ctx, tx, x.ID, cur, 50)
		return err
	})
	return p, cs, next, err
}

// BudgetForm is what the forms of lines and expenses offer: the project,
// its partners whose budget the viewer changes and their lines, and the
// line a form changes.
type BudgetForm struct {
	Project  *Project
	Partners []Partner
	Lines    []Line
	Line     *Line
}

// Choices reads what the forms of project id's budget offer the member
// of ctx, with line lid (0 for none): ErrForbidden when they change no
// partner's budget, or not lid's.
func (m *Module) Choices(ctx context.Context, id, lid int64) (*BudgetForm, error) {
	f := &BudgetForm{}
	err := m.in(ctx, id, Read, false, func(ctx context.Context, tx bun.Tx, p *Project) error {
		f.Project = p
		ps, err := partners(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		ls, err := linesOf(ctx, tx, p.ID)
		for _, x := range ps {
			if mayBudget(ctx, p, x.ReferentID) {
				f.Partners = append(f.Partners, x)
			}
		}
		for i, l := range ls {
			if l.ID == lid {
				f.Line = &ls[i]
			}
			if mayBudget(ctx, p, l.ReferentID) {
				f.Lines = append(f.Lines, l)
			}
		}
		switch {
		case err != nil:
			return err
		case lid != 0 && f.Line == nil:
			return ErrNotFound
		case len(f.Partners) == 0 || f.Line != nil && !mayBudget(ctx, p, f.Line.ReferentID):
			return authz.ErrForbidden
		}
		return nil
	})
	return f, err
}

// dateIn refuses a date outside project p's, on field.
func dateIn(errs form.Errors, p *Project, d time.Time, field string) {
	if !d.IsZero() && (d.Before(p.StartsOn) || d.After(p.EndsOn)) {
		errs.Add(field, "project.error.date_outside")
	}
}

// attach stores file fh as evidence of expense e for uid (nothing when
// fh is nil), noting its key among what fx stored.
func (m *Module) attach(ctx context.Context, tx bun.IDB, fx *effects, e *Expense, uid int64, fh *multipart.FileHeader) error {
	if fh == nil {
		return nil
	}
	a := &attachment.Attachment{ContentType: ExpenseType, ItemID: e.ID, UploadedBy: &uid}
	if err := attachment.AddFile(ctx, tx, m.files, tenant.FromContext(ctx).Slug, a, fh); err != nil {
		return err
	}
	fx.stored = append(fx.stored, a.StorageKey)
	return nil
}

// dropFiles removes expense eid's evidence, its bytes once committed.
func dropFiles(ctx context.Context, tx bun.IDB, fx *effects, eid int64) error {
	var keys []string
	if err := tx.NewRaw("DELETE FROM attachments WHERE content_type = ? AND item_id = ? RETURNING storage_key", ExpenseType, eid).
		Scan(ctx, &keys); err != nil {
		return fmt.Errorf("drop evidence: %w", err)
	}
	fx.dropped = append(fx.dropped, keys...)
	return nil
}
