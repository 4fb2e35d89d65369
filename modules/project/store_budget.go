package project

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/keyset"
)

// The SQL of a project's budget. The budget page reads one query per
// table whatever the budget's size: the lines (with their actual, kept
// on them), the sums of the expenses by month, a page of the expenses and
// the latest changes.

// lineColumns are a line's columns with its partner's name and referent.
const lineColumns = `bl.id, bl.project_id, bl.partner_id, bl.category, bl.note, bl.planned_cents, bl.actual_cents,
	o.name AS partner_name, pp.referent_id`

// linesQuery is the query of project pid's lines with their partners.
func linesQuery(tx bun.IDB, dst any, pid any) *bun.SelectQuery {
	return tx.NewSelect().Model(dst).ColumnExpr(lineColumns).
		Join("JOIN project_partners AS pp ON pp.id = bl.partner_id").Join("JOIN organizations AS o ON o.id = pp.organization_id").
		Where("bl.project_id = ?", pid)
}

// categoryOrder orders lines by the budget's categories.
const categoryOrder = "array_position(ARRAY['personnel', 'equipment', 'travel', 'subcontracting', 'other', 'indirect'], bl.category)"

// linesOf reads project pid's budget lines, by partner and category.
func linesOf(ctx context.Context, tx bun.IDB, pid int64) ([]Line, error) {
	var ls []Line
	p := &db.Params{}
	if err := linesQuery(tx, &ls, p.Arg(pid)).OrderExpr("lower(o.name), pp.id, " + categoryOrder).Conn(db.Bound(tx, p)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("budget lines: %w", err)
	}
	return ls, nil
}

// lineOf reads line lid of project pid (ErrNotFound for none); lock holds
// its row until the transaction ends, so that the changes of its actual
// run one after the other.
func lineOf(ctx context.Context, tx bun.IDB, pid, lid int64, lock bool) (*Line, error) {
	q := linesQuery(tx, new(Line), pid).Where("bl.id = ?", lid)
	if lock {
		q = q.For("UPDATE OF bl")
	}
	l, err := db.One[Line](ctx, q, ErrNotFound)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("budget line: %w", err)
	}
	return l, err
}

// addActual adds delta to line lid's actual.
func addActual(ctx context.Context, tx bun.IDB, lid, delta int64) error {
	_, err := tx.NewUpdate().Table("project_budget_lines").Set("actual_cents = actual_cents + ?, updated_at = now()", delta).
		Where("id = ?", lid).Exec(ctx)
	if err != nil {
		return fmt.Errorf("line actual: %w", err)
	}
	return nil
}

// Month is what a project spent in a month.
type Month struct {
	Month time.Time `bun:"month"`
	Cents int64     `bun:"cents"`
}

// monthsOf sums project pid's expenses by month, in order.
func monthsOf(ctx context.Context, tx bun.IDB, pid int64) ([]Month, error) {
	var ms []Month
	p := &db.Params{}
	err := tx.NewRaw(`SELECT date_trunc('month', spent_on)::date AS month, sum(amount_cents)::bigint AS cents
		FROM project_expenses WHERE project_id = ? GROUP BY 1 ORDER BY 1`, p.Arg(pid)).Conn(db.Bound(tx, p)).Scan(ctx, &ms)
	if err != nil {
		return nil, fmt.Errorf("expenses by month: %w", err)
	}
	return ms, nil
}

// expenseQuery is the query of project pid's expenses with their line's
// partner and category, their author and their evidence files' count.
func expenseQuery(tx bun.IDB, dst any, pid any) *bun.SelectQuery {
	return tx.NewSelect().Model(dst).ColumnExpr("e.id, e.project_id, e.line_id, e.spent_on, e.amount_cents, e.description, e.created_by, e.created_at").
		ColumnExpr("bl.category, o.name AS partner_name, coalesce("+auth.NameSQL("u")+", '') AS author_name").
		ColumnExpr("(SELECT count(*) FROM attachments AS a WHERE a.content_type = ? AND a.item_id = e.id AND a.comment_id IS NULL) AS files", ExpenseType).
		Join("JOIN project_budget_lines AS bl ON bl.id = e.line_id").Join("JOIN project_partners AS pp ON pp.id = bl.partner_id").
		Join("JOIN organizations AS o ON o.id = pp.organization_id").Join("LEFT JOIN users AS u ON u.id = e.created_by").
		Where("e.project_id = ?", pid)
}

// expenseOrder is the expense list's order: the latest spent first.
var expenseOrder = keyset.Order{Key: "e.spent_on", ID: "e.id", Desc: true, Date: true}

// expenseListName binds the expense list's cursors to its project.
func expenseListName(pid int64) string { return fmt.Sprintf("project-expenses-%d", pid) }

// expensePage reads a page of project pid's expenses after cur.
func expensePage(ctx context.Context, tx bun.IDB, pid int64, cur keyset.Cursor) ([]Expense, string, error) {
	var es []Expense
	p := &db.Params{}
	if err := expenseOrder.PageWith(expenseQuery(tx, &es, p.Arg(pid)), p, cur, keyset.Size).Conn(db.Bound(tx, p)).Scan(ctx); err != nil {
		return nil, "", fmt.Errorf("expenses: %w", err)
	}
	es, next := keyset.Cut(es, keyset.Size, expenseListName(pid), func(e *Expense) keyset.Cursor {
		return keyset.Cursor{At: e.SpentOn, ID: e.ID}
	})
	return es, next, nil
}

// expenseOf reads expense eid of project pid (ErrNotFound for none).
func expenseOf(ctx context.Context, tx bun.IDB, pid, eid int64) (*Expense, error) {
	e := new(Expense)
	err := expenseQuery(tx, e, pid).Where("e.id = ?", eid).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("expense: %w", err)
	}
	return e, nil
}

// allExpenses reads every expense of project pid, in order of dates (the
// export).
func allExpenses(ctx context.Context, tx bun.IDB, pid int64) ([]Expense, error) {
	var es []Expense
	if err := expenseQuery(tx, &es, pid).OrderExpr("e.spent_on, e.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("expenses: %w", err)
	}
	return es, nil
}

// logChange writes c to its project's budget history.
func logChange(ctx context.Context, tx bun.IDB, c *Change) error {
	if _, err := tx.NewInsert().Model(c).ExcludeColumn("id", "at").Exec(ctx); err != nil {
		return fmt.Errorf("budget history: %w", err)
	}
	return nil
}

// historyOrder is the history's order: the latest first.
var historyOrder = keyset.Order{Key: "h.at", ID: "h.id", Desc: true}

// historyColumns are a change's columns, named: the statement goes
// prepared, and "h.*" would change its result when a migration adds one.
const historyColumns = "h.id, h.project_id, h.line_id, h.expense_id, h.action, h.what, h.before_cents, h.after_cents, h.actor_id, h.at"

// historyListName binds the history's cursors to its project.
func historyListName(pid int64) string { return fmt.Sprintf("project-budget-history-%d", pid) }

// historyPage reads size changes of project pid's budget after cur, each
// with who made it and the partner of its line (while the line is there).
func historyPage(ctx context.Context, tx bun.IDB, pid int64, cur keyset.Cursor, size int) ([]Change, string, error) {
	var cs []Change
	p := &db.Params{}
	q := tx.NewSelect().Model(&cs).Conn(db.Bound(tx, p)).ColumnExpr(historyColumns).ColumnExpr("coalesce("+auth.NameSQL("u")+", '') AS actor_name").
		ColumnExpr("coalesce(o.name, '') AS partner_name").Join("LEFT JOIN users AS u ON u.id = h.actor_id").
		Join("LEFT JOIN project_budget_lines AS bl ON bl.id = h.line_id").Join("LEFT JOIN project_partners AS pp ON pp.id = bl.partner_id").
		Join("LEFT JOIN organizations AS o ON o.id = pp.organization_id").Where("h.project_id = ?", p.Arg(pid))
	if err := historyOrder.PageWith(q, p, cur, size).Scan(ctx); err != nil {
		return nil, "", fmt.Errorf("budget history: %w", err)
	}
	cs, next := keyset.Cut(cs, size, historyListName(pid), func(c *Change) keyset.Cursor { return keyset.Cursor{At: c.At, ID: c.ID} })
	return cs, next, nil
}
