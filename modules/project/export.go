package project

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The plan's exports: its milestones as an iCalendar file (RFC 5545) and
// the plan as CSV. Both carry text people typed: iCalendar text is
// escaped as the RFC says, and a CSV cell a spreadsheet would read as a
// formula is made plain text.

// icalText escapes s as an iCalendar TEXT value: backslashes, semicolons
// and commas escaped, line breaks written \n, other control characters
// (which TEXT may not hold) dropped.
func icalText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fold writes the content line line ending in CRLF, folded at 75 octets
// (a fold is CRLF and a space), never inside a character.
func fold(w *strings.Builder, line string) {
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		w.WriteString(line[:cut])
		w.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the space that starts a folded line counts
	}
	w.WriteString(line)
	w.WriteString("\r\n")
}

// Calendar is project p's milestones as an iCalendar file, stamped now;
// uid names the site in the events' identifiers.
func Calendar(p *Project, ms []Milestone, site string, now time.Time) string {
	var b strings.Builder
	stamp := now.UTC().Format("20060102T150405Z")
	for _, l := range []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Piazza//Projects//IT", "CALSCALE:GREGORIAN",
		"METHOD:PUBLISH", "X-WR-CALNAME:" + icalText(p.Name())} {
		fold(&b, l)
	}
	for _, m := range ms {
		lines := []string{"BEGIN:VEVENT",
			"UID:milestone-" + strconv.FormatInt(m.ID, 10) + "-project-" + strconv.FormatInt(p.ID, 10) + "@" + site,
			"DTSTAMP:" + stamp,
			"DTSTART;VALUE=DATE:" + m.DueOn.Format("20060102"),
			"DTEND;VALUE=DATE:" + m.DueOn.AddDate(0, 0, 1).Format("20060102"),
			"SUMMARY:" + icalText(m.Title)}
		if m.Deliverables != "" {
			lines = append(lines, "DESCRIPTION:"+icalText(m.Deliverables))
		}
		lines = append(lines, "CATEGORIES:"+icalText(p.Name()), "TRANSP:TRANSPARENT", "END:VEVENT")
		for _, l := range lines {
			fold(&b, l)
		}
	}
	fold(&b, "END:VCALENDAR")
	return b.String()
}

// cell is s as a CSV cell a spreadsheet shows as text: one starting with
// =, +, -, @, a tab or a carriage return (a formula, or the start of one)
// gets a leading apostrophe.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// PlanCSV writes the plan as CSV: one row per work package, task and
// milestone, with header (translated column names), names of the people
// by id, and t translating statuses.
func PlanCSV(out io.Writer, pl *Plan, header []string, names map[int64]string, t func(string) string) error {
	w := csv.NewWriter(out)
	w.UseCRLF = true
	write := func(cols ...string) {
		for i := range cols {
			cols[i] = cell(cols[i])
		}
		_ = w.Write(cols)
	}
	write(header...)
	code := map[int64]string{}
	for _, wp := range pl.WorkPackages {
		code[wp.ID] = wp.Code
		write("wp", wp.Code, wp.Title, date(wp.StartsOn), date(wp.EndsOn), "", "", "", "", wp.Description)
	}
	title := map[int64]string{}
	for _, x := range pl.Tasks {
		title[x.ID] = x.Title
	}
	g := NewGraph(pl.Dependencies)
	for _, x := range pl.Tasks {
		var who, after []string
		for _, id := range x.Assignees {
			who = append(who, names[id])
		}
		for _, id := range g.Predecessors(x.ID) {
			after = append(after, title[id])
		}
		write("task", code[x.WorkPackageID], x.Title, date(x.StartsOn), date(x.EndsOn), t("project.task.status."+x.Status),
			strconv.Itoa(x.Progress), strings.Join(who, "; "), strings.Join(after, "; "), x.Description)
	}
	for _, m := range pl.Milestones {
		wp, state := "", t("project.milestone.open")
		if m.WorkPackageID != nil {
			wp = code[*m.WorkPackageID]
		}
		if m.Reached {
			state = t("project.milestone.reached")
		}
		write("milestone", wp, m.Title, date(m.DueOn), date(m.DueOn), state, "", "", "", m.Deliverables)
	}
	w.Flush()
	return w.Error()
}

// date is a date as exports write it.
func date(t time.Time) string { return t.Format(time.DateOnly) }
