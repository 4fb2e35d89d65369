package project

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/file"
)

// expenseFiles are the expenses' evidence: attachments of their own
// content type, which the file module serves to the project's people
// only (and takes from who changes the expense's partner's budget).
type expenseFiles struct{ m *Module }

// ContentTypes offers the expenses' attachments (see expenseFiles).
func (m *Module) ContentTypes() []any { return []any{expenseFiles{m}} }

// ContentType names the expenses in attachment routes.
func (expenseFiles) ContentType() string { return ExpenseType }

// FileTarget is expense id when uid is one of its project's people.
func (f expenseFiles) FileTarget(ctx context.Context, tx bun.IDB, id, uid int64) (file.Item, error) {
	if off(ctx) {
		return file.Item{}, ErrNotFound
	}
	var pid int64
	if err := tx.NewRaw("SELECT project_id FROM project_expenses WHERE id = ?", id).Scan(ctx, &pid); err != nil {
		return file.Item{}, ErrNotFound
	}
	p, err := get(ctx, tx, uid, pid, false)
	if err != nil {
		return file.Item{}, err
	}
	e, err := expenseOf(ctx, tx, p.ID, id)
	if err != nil {
		return file.Item{}, err
	}
	l, err := lineOf(ctx, tx, p.ID, e.LineID, false)
	if err != nil {
		return file.Item{}, err
	}
	return file.Item{URL: e.URL(), Upload: mayBudget(ctx, p, l.ReferentID)}, nil
}
