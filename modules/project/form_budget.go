package project

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
)

// The forms of the budget and of progress reports.

// amount is field as an amount of euro in language lang, in cents;
// refused with project.error.amount.<reason>.
func (r *reader) amount(field, lang string) int64 {
	n, reason := ParseAmount(r.c.FormValue(field), lang)
	if reason != "" {
		r.errs.Add(field, "project.error.amount."+reason)
	}
	return n
}

// lineForm reads a budget line's fields: its partner and category (for a
// new line), its planned amount and note.
func lineForm(c *fiber.Ctx, lang string) (*Line, form.Errors) {
	r := newReader(c)
	l := &Line{PartnerID: r.id("partner_id"), PlannedCents: r.amount("planned", lang), Note: r.text("note", 0, 1000)}
	if c.Params("lid") == "" {
		l.Category = r.choice("category", Categories)
		if l.PartnerID == 0 {
			r.errs.Add("partner_id", "project.error.partner_id")
		}
	}
	return l, r.errs
}

// expenseForm reads an expense's fields: its line (for a new expense),
// its date, kind and amount (a correction is negative) and description.
func expenseForm(c *fiber.Ctx, lang string) (*Expense, form.Errors) {
	r := newReader(c)
	e := &Expense{LineID: r.id("line_id"), SpentOn: r.date("spent_on"), Description: r.text("description", 1, 1000)}
	e.Description = strings.Join(strings.Fields(e.Description), " ")
	if _, bad := r.errs["description"]; bad {
		r.errs["description"] = "project.error.expense_description"
	}
	kind := r.choice("kind", []string{Spent, Correction})
	e.AmountCents = r.amount("amount", lang)
	if _, bad := r.errs["amount"]; !bad && e.AmountCents == 0 {
		r.errs.Add("amount", "project.error.amount.zero")
	}
	if kind == Correction {
		e.AmountCents = -e.AmountCents
	}
	if c.Params("eid") == "" && e.LineID == 0 {
		r.errs.Add("line_id", "project.error.line_id")
	}
	return e, r.errs
}

// periodForm reads a report's period (start and end) and partner (0 for
// every partner the viewer writes or schedules for).
func periodForm(c *fiber.Ctx) (*ProgressReport, form.Errors) {
	r := newReader(c)
	rp := &ProgressReport{PeriodStart: r.date("period_start"), PeriodEnd: r.date("period_end"), PartnerID: r.id("partner_id")}
	r.order(rp.PeriodStart, rp.PeriodEnd, "period_end")
	return rp, r.errs
}

// reportForm reads a report's body (rich text, sanitised by the caller)
// and what to do with it: save, or submit.
func reportForm(c *fiber.Ctx) (body string, submit bool, errs form.Errors) {
	errs = form.Errors{}
	body = c.FormValue("body")
	if len(body) > 90000 {
		errs.Add("body", "project.error.body")
	}
	return body, c.FormValue("action") == "submit", errs
}
