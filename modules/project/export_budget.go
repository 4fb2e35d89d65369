package project

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/screen"
)

// The budget's exports: its lines (planned, actual, variance) and its
// expenses as CSV. Amounts are written without thousands, with the
// language's decimal separator; every cell people typed (a partner's
// name, a note, a description) is made plain text (cell).

// plain is cents as a number a spreadsheet in language lang reads
// ("-1234,56", "1234.56").
func plain(cents int64, lang string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	sep := ","
	if lang == "en" {
		sep = "."
	}
	return sign + strconv.FormatInt(cents/100, 10) + sep + fmt.Sprintf("%02d", cents%100)
}

// BudgetCSV writes lines as CSV with a total, header and t translating
// the categories, in language lang.
func BudgetCSV(out io.Writer, lines []Line, header []string, t func(string) string, lang string) error {
	w := csv.NewWriter(out)
	w.UseCRLF = true
	_ = w.Write(header)
	var total Sum
	for _, l := range lines {
		total.Planned += l.PlannedCents
		total.Actual += l.ActualCents
		_ = w.Write([]string{cell(l.PartnerName), cell(t("project.category." + l.Category)), plain(l.PlannedCents, lang),
			plain(l.ActualCents, lang), plain(l.Variance(), lang), cell(l.Note)})
	}
	_ = w.Write([]string{cell(t("project.budget.total")), "", plain(total.Planned, lang), plain(total.Actual, lang), plain(total.Variance(), lang), ""})
	w.Flush()
	return w.Error()
}

// ExpensesCSV writes expenses as CSV, with header and t translating
// categories and kinds, in language lang.
func ExpensesCSV(out io.Writer, es []Expense, header []string, t func(string) string, lang string) error {
	w := csv.NewWriter(out)
	w.UseCRLF = true
	_ = w.Write(header)
	for _, e := range es {
		_ = w.Write([]string{date(e.SpentOn), cell(e.PartnerName), cell(t("project.category." + e.Category)), cell(t("project.expense.kind." + e.Kind())),
			plain(e.AmountCents, lang), cell(e.Description), cell(e.AuthorName), strconv.Itoa(e.Files)})
	}
	w.Flush()
	return w.Error()
}

// exported reads project id's lines and, with all, its expenses, for the
// member of ctx.
func (m *Module) exported(ctx context.Context, id int64, all bool) (p *Project, ls []Line, es []Expense, err error) {
	err = m.in(ctx, id, Read, false, func(ctx context.Context, tx bun.Tx, x *Project) error {
		p = x
		if ls, err = linesOf(ctx, tx, x.ID); err != nil || !all {
			return err
		}
		es, err = allExpenses(ctx, tx, x.ID)
		return err
	})
	return p, ls, es, err
}

// csvHeader is the translated names of columns keys under prefix.
func (m *Module) csvHeader(c *fiber.Ctx, prefix string, keys ...string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = m.T(c, prefix+k)
	}
	return out
}

// budgetCSV is the budget's lines as CSV.
func (m *Module) budgetCSV(c *fiber.Ctx) error {
	p, ls, _, err := m.exported(c.UserContext(), screen.ParamID(c, "id"), false)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	header := m.csvHeader(c, "project.csv.budget.", "partner", "category", "planned", "actual", "variance", "note")
	if err := BudgetCSV(&buf, ls, header, func(k string) string { return m.T(c, k) }, m.lang(c)); err != nil {
		return err
	}
	return download(c, "text/csv; charset=utf-8", fmt.Sprintf("project-%d-budget.csv", p.ID), buf.Bytes())
}

// expensesCSV is the budget's expenses as CSV.
func (m *Module) expensesCSV(c *fiber.Ctx) error {
	p, _, es, err := m.exported(c.UserContext(), screen.ParamID(c, "id"), true)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	header := m.csvHeader(c, "project.csv.expense.", "date", "partner", "category", "kind", "amount", "description", "author", "files")
	if err := ExpensesCSV(&buf, es, header, func(k string) string { return m.T(c, k) }, m.lang(c)); err != nil {
		return err
	}
	return download(c, "text/csv; charset=utf-8", fmt.Sprintf("project-%d-expenses.csv", p.ID), buf.Bytes())
}
