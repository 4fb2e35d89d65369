package project

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// The forms of projects and of their plans: each reads its fields,
// refusing field by field (message keys) what the project would not
// store, before anything is written.

// reader reads a posted form's fields, noting their problems.
type reader struct {
	c    *fiber.Ctx
	errs form.Errors
}

func newReader(c *fiber.Ctx) *reader { return &reader{c: c, errs: form.Errors{}} }

// text is field trimmed; longer than max characters, or shorter than min,
// it is refused with project.error.<field>.
func (r *reader) text(field string, min, max int) string {
	s := strings.TrimSpace(r.c.FormValue(field))
	if n := utf8.RuneCountInString(s); n < min || n > max {
		r.errs.Add(field, "project.error."+field)
	}
	return s
}

// date is field as a date (YYYY-MM-DD, years 1900 to 2200); a missing or
// wrong one is refused with project.error.date.
func (r *reader) date(field string) time.Time {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(r.c.FormValue(field)))
	if err != nil || t.Year() < 1900 || t.Year() > 2200 {
		r.errs.Add(field, "project.error.date")
		return time.Time{}
	}
	return t
}

// choice is field when it is one of choices, else refused.
func (r *reader) choice(field string, choices []string) string {
	v := r.c.FormValue(field)
	if !slices.Contains(choices, v) {
		r.errs.Add(field, "project.error."+field)
	}
	return v
}

// id is field as an id (0 when absent; a wrong one is refused).
func (r *reader) id(field string) int64 {
	v := strings.TrimSpace(r.c.FormValue(field))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		r.errs.Add(field, "project.error."+field)
		return 0
	}
	return n
}

// order refuses an end before its start.
func (r *reader) order(start, end time.Time, field string) {
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		r.errs.Add(field, "project.error.ends_before")
	}
}

// projectForm reads a project's fields.
func projectForm(c *fiber.Ctx) (*Project, form.Errors) {
	r := newReader(c)
	p := &Project{Title: r.text("title", 3, 200), Acronym: r.text("acronym", 0, 30), Summary: r.text("summary", 0, 4000),
		Programme: r.text("programme", 0, 200), Call: r.text("funding_call", 0, 200),
		StartsOn: r.date("starts_on"), EndsOn: r.date("ends_on"), Status: r.choice("status", Statuses)}
	p.Title = strings.Join(strings.Fields(p.Title), " ")
	r.order(p.StartsOn, p.EndsOn, "ends_on")
	if p.Themes = taxonomy.KnownThemes(form.Values(c, "themes")); p.Themes == nil {
		p.Themes = []string{}
	}
	if g := strings.TrimSpace(c.FormValue("grant")); g != "" {
		cents, ok := ParseEuro(g)
		if !ok {
			r.errs.Add("grant", "project.error.grant")
		}
		p.GrantCents = &cents
	}
	return p, r.errs
}

// maxCents bounds an amount: a hundred billion euro.
const maxCents = 100_000_000_000_00

// ParseEuro reads an amount of euro as people write it ("150000",
// "150.000,50", "150,000.50", "1 500 €", "99,9") into cents, exactly
// (no floating point). A separator followed by one or two digits at the
// end is the decimal one; the others group thousands. Negative amounts
// and more than maxCents are refused.
func ParseEuro(s string) (int64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "€", "", "'", "").Replace(strings.TrimSpace(s))
	whole, frac := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 && len(s)-i-1 <= 2 && len(s)-i-1 > 0 {
		whole, frac = s[:i], s[i+1:]
	}
	groups := strings.FieldsFunc(whole, func(r rune) bool { return r == '.' || r == ',' })
	for i, g := range groups {
		if len(groups) > 1 && (len(g) > 3 || i > 0 && len(g) != 3) {
			return 0, false // thousands come in threes
		}
	}
	whole = strings.Join(groups, "")
	if whole == "" || len(whole) > 12 || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n > maxCents {
		return 0, false
	}
	return n, true
}

// Euro writes cents as an amount of euro with the language's separators
// (1.234,56 or 1,234.56).
func Euro(cents int64, lang string) string {
	thousands, decimal := ".", ","
	if lang == "en" {
		thousands, decimal = ",", "."
	}
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	return b.String() + decimal + strconv.FormatInt(100+cents%100, 10)[1:]
}

// workPackageForm reads a work package's fields.
func workPackageForm(c *fiber.Ctx) (*WorkPackage, form.Errors) {
	r := newReader(c)
	w := &WorkPackage{Code: r.text("code", 1, 20), Title: r.text("title", 1, 200), Description: r.text("description", 0, 4000),
		StartsOn: r.date("starts_on"), EndsOn: r.date("ends_on")}
	r.order(w.StartsOn, w.EndsOn, "ends_on")
	return w, r.errs
}

// taskForm reads a task's fields (its assignees' ids among the form's).
func taskForm(c *fiber.Ctx) (*Task, form.Errors) {
	r := newReader(c)
	t := &Task{WorkPackageID: r.id("work_package_id"), Title: r.text("title", 1, 200), Description: r.text("description", 0, 4000),
		StartsOn: r.date("starts_on"), EndsOn: r.date("ends_on"), Status: r.choice("status", TaskStatuses),
		Assignees: form.IDs(form.Values(c, "assignees"))}
	if t.WorkPackageID == 0 {
		r.errs.Add("work_package_id", "project.error.work_package_id")
	}
	t.Progress = r.progress()
	r.order(t.StartsOn, t.EndsOn, "ends_on")
	return t, r.errs
}

// progress is the progress field, 0 to 100 per cent.
func (r *reader) progress() int {
	n, err := strconv.Atoi(strings.TrimSpace(r.c.FormValue("progress")))
	if err != nil || n < 0 || n > 100 {
		r.errs.Add("progress", "project.error.progress")
	}
	return n
}

// milestoneForm reads a milestone's fields.
func milestoneForm(c *fiber.Ctx) (*Milestone, form.Errors) {
	r := newReader(c)
	m := &Milestone{Title: r.text("title", 1, 200), DueOn: r.date("due_on"), Deliverables: r.text("deliverables", 0, 4000),
		Reached: c.FormValue("reached") != ""}
	if wp := r.id("work_package_id"); wp != 0 {
		m.WorkPackageID = &wp
	}
	return m, r.errs
}
