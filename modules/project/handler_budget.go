package project

import (
	"mime/multipart"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/keyset"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/web"
)

// The budget's pages: the budget (charts, tables, a page of expenses, the
// latest changes), its history, the forms of lines and expenses, and an
// expense's page (its evidence, its correction).

type budgetView struct {
	web.Page
	*Budget
	PartnerChart, CategoryChart BarChart
	Burn                        Burndown
	Pager                       keyset.Pager
	Message                     string
}

// budget is a project's budget, with the page of expenses ?after= names
// (404 for a cursor no page wrote).
func (m *Module) budget(c *fiber.Ctx) error {
	id, after := screen.ParamID(c, "id"), c.Query("after")
	cur, err := keyset.Decode(expenseListName(id), after)
	if err != nil {
		return err
	}
	b, err := m.ReadBudget(c.UserContext(), id, cur)
	if err != nil {
		return err
	}
	page := m.Page(c)
	for i := range b.ByCategory {
		b.ByCategory[i].Label = page.L.T("project.category." + b.ByCategory[i].Label)
	}
	v := budgetView{Page: page, Budget: b, PartnerChart: Bars(b.ByPartner), CategoryChart: Bars(b.ByCategory),
		Burn: Cumulate(b.Project, b.Months, b.Total.Planned, m.today()), Message: m.message(c)}
	v.Pager = keyset.Links(v.L, "project.expenses", Path(id)+"/budget", nil, after, b.Next)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.Render(c, fiber.StatusOK, "budget.html", v)
}

type historyView struct {
	web.Page
	Project *Project
	Changes []Change
	Pager   keyset.Pager
}

// budgetHistory is every change of a project's budget, latest first,
// fifty a page.
func (m *Module) budgetHistory(c *fiber.Ctx) error {
	id, after := screen.ParamID(c, "id"), c.Query("after")
	cur, err := keyset.Decode(historyListName(id), after)
	if err != nil {
		return err
	}
	p, cs, next, err := m.History(c.UserContext(), id, cur)
	if err != nil {
		return err
	}
	v := historyView{Page: m.Page(c), Project: p, Changes: cs}
	v.Pager = keyset.Links(v.L, "project.history", Path(id)+"/budget/history", nil, after, next)
	return m.Render(c, fiber.StatusOK, "budget_history.html", v)
}

type lineView struct {
	web.Page
	*BudgetForm
	Line    *Line
	Planned string
	Action  string
	Errors  map[string]string
}

// renderLine draws the form of a line (lid 0: a new one) with v's values
// and the refusals errs.
func (m *Module) renderLine(c *fiber.Ctx, lid int64, v lineView, errs form.Errors) error {
	id := screen.ParamID(c, "id")
	f, err := m.Choices(c.UserContext(), id, lid)
	if err != nil {
		return err
	}
	v.Page, v.BudgetForm, v.Action = m.Page(c), f, itemAction(id, "budget/lines", lid)
	if v.Line == nil {
		v.Line = &Line{Category: Categories[0], PartnerID: formIDQuery(c, "partner")}
		if f.Line != nil {
			v.Line = f.Line
		}
	}
	if v.Planned == "" && (lid != 0 || v.Line.PlannedCents != 0) {
		v.Planned = Euro(v.Line.PlannedCents, v.L.Lang)
	}
	status := fiber.StatusOK
	if len(errs) > 0 {
		v.Errors, status = errs.Translate(v.L.T), fiber.StatusUnprocessableEntity
	}
	return m.Render(c, status, "line_form.html", v)
}

func (m *Module) lineForm(c *fiber.Ctx) error {
	lid, err := itemID(c, "lid")
	if err != nil {
		return err
	}
	return m.renderLine(c, lid, lineView{}, nil)
}

func (m *Module) lineSave(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	lid, err := itemID(c, "lid")
	if err != nil {
		return err
	}
	l, errs := lineForm(c, m.lang(c))
	l.ID = lid
	err = m.SaveLine(c.UserContext(), id, l, errs)
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderLine(c, lid, lineView{Line: l, Planned: c.FormValue("planned")}, fe)
	}
	if err != nil {
		return err
	}
	return back(c, Path(id)+"/budget", "line")
}

func (m *Module) lineDelete(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	if err := m.DeleteLine(c.UserContext(), id, screen.ParamID(c, "lid")); err != nil {
		return err
	}
	return back(c, Path(id)+"/budget", "line_deleted")
}

// lang is the request's language.
func (m *Module) lang(c *fiber.Ctx) string { return m.Shell.I18n.FromContext(c.UserContext()).Lang }

type expenseView struct {
	web.Page
	*BudgetForm
	// View is the expense's page (nil on a new expense's form).
	View    *ExpenseView
	Expense *Expense
	Amount  string
	Action  string
	Errors  map[string]string
	Message string
}

// renderExpense draws the form of a new expense (eid 0) or an expense's
// page with its correction form, with v's values and the refusals errs.
func (m *Module) renderExpense(c *fiber.Ctx, eid int64, v expenseView, errs form.Errors) error {
	id := screen.ParamID(c, "id")
	var err error
	if eid == 0 {
		v.BudgetForm, err = m.Choices(c.UserContext(), id, 0)
	} else {
		v.View, err = m.ReadExpense(c.UserContext(), id, eid)
	}
	if err != nil {
		return err
	}
	v.Page, v.Action = m.Page(c), Path(id)+"/budget/expenses"
	if v.Expense == nil {
		v.Expense = &Expense{LineID: formIDQuery(c, "line"), SpentOn: m.today()}
		if v.View != nil {
			v.Expense = v.View.Expense
		}
	}
	if v.View != nil {
		v.Action = v.View.Expense.URL()
	}
	if v.Amount == "" && v.Expense.AmountCents != 0 {
		v.Amount = Euro(v.Expense.Magnitude(), v.L.Lang)
	}
	status := fiber.StatusOK
	if len(errs) > 0 {
		v.Errors, status = errs.Translate(v.L.T), fiber.StatusUnprocessableEntity
	}
	name := "expense.html"
	if eid == 0 {
		name = "expense_form.html"
	}
	return m.Render(c, status, name, v)
}

func (m *Module) expenseForm(c *fiber.Ctx) error { return m.renderExpense(c, 0, expenseView{}, nil) }

func (m *Module) expenseShow(c *fiber.Ctx) error {
	eid, err := itemID(c, "eid")
	if err != nil {
		return err
	}
	return m.renderExpense(c, eid, expenseView{Message: m.message(c)}, nil)
}

// expenseSave records a new expense, or corrects one (with more evidence).
func (m *Module) expenseSave(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	eid, err := itemID(c, "eid")
	if err != nil {
		return err
	}
	e, errs := expenseForm(c, m.lang(c))
	e.ID = eid
	err = m.SaveExpense(c.UserContext(), id, e, errs, upload(c))
	if fe, ok := form.FieldsOf(err); ok {
		return m.renderExpense(c, eid, expenseView{Expense: e, Amount: c.FormValue("amount")}, fe)
	}
	if err != nil {
		return err
	}
	return back(c, e.URL(), "expense")
}

// upload is the form's evidence file (nil when none was chosen).
func upload(c *fiber.Ctx) *multipart.FileHeader {
	if fh, err := c.FormFile("file"); err == nil && strings.TrimSpace(fh.Filename) != "" {
		return fh
	}
	return nil
}

func (m *Module) expenseDelete(c *fiber.Ctx) error {
	id := screen.ParamID(c, "id")
	if err := m.DeleteExpense(c.UserContext(), id, screen.ParamID(c, "eid")); err != nil {
		return err
	}
	return back(c, Path(id)+"/budget", "expense_deleted")
}
