package project

import (
	"html/template"
	"strconv"
	"time"

	"github.com/piazza-pa/piazza/platform/i18n"
)

// The budget page's repeated markup — its tables' rows and its charts'
// marks — written in Go rather than by the page's template, as the
// timeline's is (gantt_render.go): a page of forty-eight lines, fifty
// expenses and the project's months is some thousand cells, each with an
// amount, which html/template draws through reflection at several times
// the cost. Every text that comes from users (partners' names, notes,
// descriptions) goes through escape.

// appendMoney writes cents as Money does, without the string.
func appendMoney(b []byte, cents int64, lang string) []byte {
	thousands, decimal := byte('.'), byte(',')
	if lang == "en" {
		thousands, decimal = ',', '.'
	}
	if cents < 0 {
		b = append(b, '-')
		cents = -cents
	}
	var digits [20]byte
	whole := strconv.AppendInt(digits[:0], cents/100, 10)
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b = append(b, thousands)
		}
		b = append(b, d)
	}
	c := cents % 100
	return append(b, decimal, byte('0'+c/10), byte('0'+c%10))
}

// amountCell writes a table cell of an amount, aligned right, red when negative
// and marked.
func amountCell(b []byte, cents int64, lang string, red bool) []byte {
	b = append(b, `<td class="text-end`...)
	if red && cents < 0 {
		b = append(b, " text-danger"...)
	}
	return append(appendMoney(append(b, `">`...), cents, lang), "</td>"...)
}

// translated memoises a reader's translations of keys with a prefix (the
// categories, the history's actions).
type translated struct {
	l    *i18n.Localizer
	seen map[string]string
}

func (t *translated) of(prefix, key string) string {
	if t.seen == nil {
		t.seen = map[string]string{}
	}
	k := prefix + key
	s, ok := t.seen[k]
	if !ok {
		s = t.l.T(k)
		t.seen[k] = s
	}
	return s
}

// sumRows is the body of a table of sums (per partner or per category).
func sumRows(sums []Sum, l *i18n.Localizer) template.HTML {
	b := make([]byte, 0, 256*len(sums)+64)
	for _, s := range sums {
		b = strconv.AppendInt(append(b, `<tr data-planned="`...), s.Planned, 10)
		b = strconv.AppendInt(append(b, `" data-actual="`...), s.Actual, 10)
		b = append(b, '"')
		if s.Variance() < 0 {
			b = append(b, ` class="table-danger"`...)
		}
		b = append(escape(append(b, `><th scope="row">`...), s.Label), "</th>"...)
		b = amountCell(b, s.Planned, l.Lang, false)
		b = amountCell(b, s.Actual, l.Lang, false)
		b = amountCell(b, s.Variance(), l.Lang, false)
		b = append(strconv.AppendInt(append(b, `<td class="text-end">`...), s.Percent(), 10), "%</td></tr>"...)
	}
	return template.HTML(b)
}

// barMarks are a bar chart's rows, to go inside its <svg> (id names the
// chart; each row is <id>-row-<i>).
func barMarks(c BarChart, id string, l *i18n.Localizer) template.HTML {
	planned, actual := l.T("project.budget.planned"), l.T("project.budget.actual")
	b := make([]byte, 0, 900*len(c.Rows))
	for i, r := range c.Rows {
		b = append(escape(append(b, `<g class="pz-bar-row" id="`...), id), "-row-"...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = strconv.AppendInt(append(b, `" data-planned="`...), r.Planned, 10)
		b = strconv.AppendInt(append(b, `" data-actual="`...), r.Actual, 10)
		b = append(escape(append(b, `"><title>`...), r.Label), ": "...)
		b = appendMoney(append(escape(b, planned), " € "...), r.Planned, l.Lang)
		b = appendMoney(append(escape(append(b, ", "...), actual), " € "...), r.Actual, l.Lang)
		b = strconv.AppendInt(append(b, "</title>\n<text x=\"6\" y=\""...), int64(r.Y+21), 10)
		b = append(escapeCut(append(b, `" font-size="12" fill="#1c2024">`...), r.Label, 30), "</text>\n"...)
		b = strconv.AppendInt(append(b, `<rect class="pz-bar-planned" x="200" y="`...), int64(r.Y+3), 10)
		b = strconv.AppendInt(append(b, `" width="`...), int64(r.PlannedW), 10)
		b = append(b, `" height="13" fill="#a8bfd6" stroke="#17324d" stroke-width="1"></rect>`+"\n"...)
		b = strconv.AppendInt(append(b, `<rect class="pz-bar-actual" x="200" y="`...), int64(r.Y+18), 10)
		b = strconv.AppendInt(append(b, `" width="`...), int64(r.ActualW), 10)
		colour, text := "#0066cc", "#1c2024"
		if r.Over() {
			colour, text = "#a61c2e", "#a61c2e"
		}
		b = append(append(append(b, `" height="13" fill="`...), colour...), "\"></rect>\n"...)
		b = strconv.AppendInt(append(b, `<text x="`...), int64(r.PlannedW+204), 10)
		b = strconv.AppendInt(append(b, `" y="`...), int64(r.Y+14), 10)
		b = appendMoney(append(b, `" font-size="11" fill="#1c2024">€ `...), r.Planned, l.Lang)
		b = strconv.AppendInt(append(b, "</text>\n<text x=\""...), int64(r.ActualW+204), 10)
		b = strconv.AppendInt(append(b, `" y="`...), int64(r.Y+29), 10)
		b = appendMoney(append(append(append(b, `" font-size="11" fill="`...), text...), `">€ `...), r.Actual, l.Lang)
		if r.Over() {
			b = append(b, " ⚠"...)
		}
		b = append(b, "</text></g>\n"...)
	}
	return template.HTML(b)
}

// LineRows is the body of the budget lines' table.
func (v budgetView) LineRows() template.HTML {
	l := v.L
	cats := translated{l: l}
	add, edit := l.T("project.expense.add"), l.T("project.edit_short")
	url := v.Project.URL()
	b := make([]byte, 0, 600*len(v.Lines)+64)
	for _, ln := range v.Lines {
		b = strconv.AppendInt(append(b, `<tr id="line-`...), ln.ID, 10)
		b = append(b, '"')
		if ln.Variance() < 0 {
			b = append(b, ` class="table-danger"`...)
		}
		b = append(escape(append(b, "><td>"...), ln.PartnerName), "</td>"...)
		b = append(escape(append(b, `<th scope="row">`...), cats.of("project.category.", ln.Category)), "</th>"...)
		b = amountCell(b, ln.PlannedCents, l.Lang, false)
		b = amountCell(b, ln.ActualCents, l.Lang, false)
		b = amountCell(b, ln.Variance(), l.Lang, false)
		b = append(escape(append(b, `<td class="small">`...), ln.Note), "</td>\n"...)
		b = append(b, `<td class="text-nowrap pz-noprint">`...)
		if v.Editable(ln.PartnerID) {
			b = strconv.AppendInt(append(escape(append(b, `<a href="`...), url), "/budget/expenses/new?line="...), ln.ID, 10)
			b = append(escape(append(b, `">`...), add), "</a> · "...)
			b = strconv.AppendInt(append(escape(append(b, `<a href="`...), url), "/budget/lines/"...), ln.ID, 10)
			b = append(escape(append(b, `/edit">`...), edit), "</a>"...)
		}
		b = append(b, "</td></tr>\n"...)
	}
	return template.HTML(b)
}

// ExpenseRows is the body of the page of expenses' table.
func (v budgetView) ExpenseRows() template.HTML {
	l := v.L
	cats := translated{l: l}
	correction := l.T("project.expense.kind.correction")
	dates := map[time.Time]string{}
	b := make([]byte, 0, 700*len(v.Expenses)+64)
	for i := range v.Expenses {
		e := &v.Expenses[i]
		b = strconv.AppendInt(append(b, `<tr id="expense-`...), e.ID, 10)
		b = append(append(b, `"><td data-date="`...), dateValue(e.SpentOn)...)
		d, ok := dates[e.SpentOn]
		if !ok {
			d = l.Date(e.SpentOn)
			dates[e.SpentOn] = d
		}
		b = append(escape(append(b, `">`...), d), "</td><th scope=\"row\"><a href=\""...)
		b = append(escape(append(escape(b, e.URL()), `">`...), e.Description), "</a>"...)
		if e.Kind() == Correction {
			b = append(escape(append(b, ` <span class="badge bg-warning text-dark">`...), correction), "</span>"...)
		}
		b = append(escape(append(b, "</th>\n<td>"...), e.PartnerName), "</td>"...)
		b = append(escape(append(b, "<td>"...), cats.of("project.category.", e.Category)), "</td>"...)
		b = amountCell(b, e.AmountCents, l.Lang, false)
		if e.Files > 0 {
			b = append(strconv.AppendInt(append(b, "<td>"...), int64(e.Files), 10), "</td></tr>\n"...)
		} else {
			b = append(b, "<td>—</td></tr>\n"...)
		}
	}
	return template.HTML(b)
}

// MonthRows is the body of the table of months (the cumulative chart's
// data).
func (v budgetView) MonthRows() template.HTML {
	lang := v.L.Lang
	b := make([]byte, 0, 400*len(v.Burn.Rows))
	for _, r := range v.Burn.Rows {
		b = append(r.Month.AppendFormat(append(b, `<tr data-month="`...), "2006-01"), `" data-spent="`...)
		b = strconv.AppendInt(b, r.Spent, 10)
		b = strconv.AppendInt(append(b, `" data-cumulated="`...), r.Cumulated, 10)
		b = append(r.Month.AppendFormat(append(b, `"><th scope="row">`...), "01/2006"), "</th>"...)
		b = amountCell(b, r.Spent, lang, false)
		b = amountCell(b, r.Cumulated, lang, false)
		b = amountCell(b, r.Due, lang, false)
		b = append(amountCell(b, r.Variance(), lang, true), "</tr>"...)
	}
	return template.HTML(b)
}

// changeRows is the body of a table of a budget's changes.
func changeRows(cs []Change, l *i18n.Localizer) template.HTML {
	t := translated{l: l}
	b := make([]byte, 0, 500*len(cs))
	for i := range cs {
		c := &cs[i]
		b = strconv.AppendInt(append(b, `<tr id="change-`...), c.ID, 10)
		b = append(escape(append(b, `" data-action="`...), c.Action), `"><td class="text-nowrap">`...)
		b = append(c.At.AppendFormat(append(escape(b, l.Date(c.At)), ' '), "15:04"), "</td><td>"...)
		who := c.ActorName
		if who == "" {
			who = "—"
		}
		b = append(escape(b, who), "</td><th scope=\"row\">"...)
		b = append(escape(b, t.of("project.history.action.", c.Action)), "</th>\n<td>"...)
		if c.PartnerName != "" {
			b = append(escape(b, c.PartnerName), " · "...)
		}
		if c.Action == "line_created" || c.Action == "line_changed" || c.Action == "line_removed" {
			b = escape(b, t.of("project.category.", c.What))
		} else {
			b = escape(b, c.What)
		}
		b = append(b, "</td>\n"...)
		for _, v := range []*int64{c.Before, c.After} {
			b = append(b, `<td class="text-end">`...)
			if v != nil {
				b = appendMoney(b, *v, l.Lang)
			} else {
				b = append(b, "—"...)
			}
			b = append(b, "</td>"...)
		}
		b = append(b, "</tr>\n"...)
	}
	return template.HTML(b)
}
