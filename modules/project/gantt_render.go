package project

import (
	"html/template"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/piazza-pa/piazza/platform/i18n"
)

// The timeline's repeated markup — the SVG's dates, rows, arrows and
// today's line, and the table's rows — written in Go rather than by the
// page's template: a plan of four hundred tasks is some nine hundred
// elements, which html/template draws about ten times slower. Every text
// that comes from users goes through escape; numbers are written with at
// most one decimal; the rows' colours are those of their classes in
// project.css (w work package, t task, m milestone, l late, r reached, d
// the done part of a bar; h the hatching of a late one).

// labelCut is how many characters of a label the chart shows.
const labelCut = 30

// words are the timeline's words in the reader's language (its dates
// are written by the reader's localizer straight into the page).
type words struct {
	l                     *i18n.Localizer
	late, reached, onTime string
	kinds                 map[string]string
}

func newWords(l *i18n.Localizer) *words {
	w := &words{l: l, late: l.T("project.late"), reached: l.T("project.milestone.reached"), onTime: l.T("project.on_time"),
		kinds: map[string]string{}}
	for _, k := range []string{"wp", "task", "milestone"} {
		w.kinds[k] = l.T("project.gantt.kind." + k)
	}
	return w
}

// ChartSVG is the chart's marks for reader l, to go inside its <svg>:
// the months' band, a group per row (id row-<kind>-<id>), the dependencies'
// arrows and today's line.
func (tl *Timeline) ChartSVG(l *i18n.Localizer) template.HTML {
	c := &tl.Chart
	b := make([]byte, 0, size(c.Rows, 200, 2)+len(c.Arrows)*40)
	b = append(b, `<g id="gantt-ticks"><path fill="none" stroke="#d9dadb" d="`...)
	for i, t := range c.Ticks {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendNum(append(b, 'M'), t.X)
		b = appendNum(append(b, " 20V"...), c.Height)
	}
	b = append(b, `"></path>`...)
	for _, t := range c.Ticks {
		b = appendNum(append(b, `<text x="`...), t.X+2)
		b = append(escape(append(b, `" y="14">`...), t.Label), "</text>"...)
	}
	b = append(b, "</g>\n<g id=\"gantt-rows\">"...)
	late := l.T("project.late")
	for i := range c.Rows {
		b = svgRow(b, &c.Rows[i], late)
	}
	b = append(b, "</g>\n<g id=\"gantt-arrows\" fill=\"none\" stroke=\"#5d7083\" stroke-width=\"1.2\" marker-end=\"url(#gantt-arrow)\">"...)
	for _, a := range c.Arrows {
		b = append(b, "<path "...)
		if a.Late {
			b = append(b, `stroke="#a61c2e" stroke-dasharray="3 2" marker-end="url(#gantt-arrow-late)" `...)
		}
		b = append(escape(append(b, `d="`...), a.D), `"></path>`...)
	}
	b = append(b, "</g>"...)
	if c.Now {
		b = appendNum(append(b, "\n<g id=\"gantt-today\"><line x1=\""...), c.Today)
		b = appendNum(append(b, `" y1="20" x2="`...), c.Today)
		b = appendNum(append(b, `" y2="`...), c.Height)
		b = appendNum(append(b, `" stroke="#d1344c" stroke-width="2" stroke-dasharray="5 3"></line><text x="`...), c.Today+3)
		b = append(escape(append(b, `" y="26">`...), l.T("project.today")), "</text></g>"...)
	}
	return template.HTML(b) //nolint:gosec // every text escaped above
}

// svgRow writes row r: its group (classed by kind, lateness and
// reaching), the full label as a tooltip when the chart shows it cut, the
// label (marked ⚠ when late), and the bar with its done part and
// hatching, or the diamond (followed by the word late, when it is).
func svgRow(b []byte, r *Row, late string) []byte {
	b = append(b, `<g id="row-`...)
	b = strconv.AppendInt(append(append(b, r.Kind...), '-'), r.ID, 10)
	b = append(append(b, `" class="`...), kindClass(r.Kind))
	if r.Late {
		b = append(b, " l"...)
	}
	if r.Reached {
		b = append(b, " r"...)
	}
	b = append(b, `">`...)
	if utf8.RuneCountInString(r.Label) > labelCut {
		b = append(escape(append(b, "<title>"...), r.Label), "</title>"...)
	}
	b = append(b, `<text x="`...)
	if r.Kind == "task" {
		b = append(b, "18"...)
	} else {
		b = append(b, '6')
	}
	b = appendNum(append(b, `" y="`...), r.TextY)
	b = escapeCut(append(b, `">`...), r.Label, labelCut)
	if r.Late {
		b = append(b, " ⚠"...)
	}
	b = append(b, "</text>"...)
	if r.Kind == "milestone" {
		b = append(escape(append(b, `<polygon points="`...), r.Points), `"></polygon>`...)
		if r.Late {
			b = appendNum(append(b, `<text class="n" x="`...), r.X+10)
			b = appendNum(append(b, `" y="`...), r.TextY)
			b = append(escape(append(b, `">`...), late), "</text>"...)
		}
	} else {
		b = svgBar(b, r)
	}
	return append(b, "</g>\n"...)
}

// kindClass is the class of a kind of row.
func kindClass(kind string) byte {
	switch kind {
	case "wp":
		return 'w'
	case "task":
		return 't'
	}
	return 'm'
}

// svgBar writes r's bar, its done part (none at 0%) and, late, its
// hatching.
func svgBar(b []byte, r *Row) []byte {
	rect := func(b []byte, class string, w float64) []byte {
		b = append(b, "<rect "...)
		if class != "" {
			b = append(append(append(b, `class="`...), class...), `" `...)
		}
		b = appendNum(append(b, `x="`...), r.X)
		b = appendNum(append(b, `" y="`...), r.Y)
		b = appendNum(append(b, `" width="`...), w)
		b = appendNum(append(b, `" height="`...), r.H)
		if class == "h" {
			b = append(b, `" fill="url(#gantt-hatch)" stroke="none`...)
		}
		return append(b, `"></rect>`...)
	}
	b = rect(b, "", r.W)
	if r.Done > 0 {
		b = rect(b, "d", r.Done)
	}
	if r.Late {
		b = rect(b, "h", r.W)
	}
	return b
}

// TableHTML is the body of the table that holds the chart's data for
// reader l: a row per chart row, in the same order (id table-<kind>-<id>),
// with its kind, label (a task's a link to its page), dates, progress,
// state, and for a task the tasks it starts after.
func (tl *Timeline) TableHTML(l *i18n.Localizer) template.HTML {
	w := newWords(l)
	rows := tl.Chart.Rows
	b := make([]byte, 0, size(rows, 260, 3))
	tasks := Path(tl.Project.ID) + "/tasks/"
	for i := range rows {
		b = tableRow(b, w, tasks, &rows[i], tl.After[rows[i].ID])
	}
	return template.HTML(b) //nolint:gosec // every text escaped in tableRow
}

// tableRow writes r's row of the table; tasks is the address of its
// project's tasks, after the titles of the tasks it starts after.
func tableRow(b []byte, w *words, tasks string, r *Row, after []string) []byte {
	b = append(b, `<tr id="table-`...)
	b = strconv.AppendInt(append(append(b, r.Kind...), '-'), r.ID, 10)
	if r.Late {
		b = append(b, `" class="table-danger`...)
	}
	b = append(escape(append(b, `"><td>`...), w.kinds[r.Kind]), `</td><th scope="row">`...)
	if r.Kind == "task" {
		b = strconv.AppendInt(append(append(b, `<a href="`...), tasks...), r.ID, 10)
		b = append(escape(append(b, `">`...), r.Label), "</a>"...)
	} else {
		b = escape(b, r.Label)
	}
	// A date is digits, spaces and a month's name: nothing to escape.
	b = append(w.l.AppendDate(append(b, "</th><td>"...), r.StartsOn), "</td><td>"...)
	b = append(w.l.AppendDate(b, r.EndsOn), "</td><td>"...)
	progress := r.Progress
	if r.Kind == "milestone" {
		progress = 0
		if r.Reached {
			progress = 100
		}
	}
	b = append(strconv.AppendInt(b, int64(progress), 10), "%</td><td>"...)
	switch {
	case r.Late:
		b = append(escape(append(b, "<strong>"...), w.late), "</strong>"...)
	case r.Reached:
		b = escape(b, w.reached)
	default:
		b = escape(b, w.onTime)
	}
	b = append(b, "</td><td>"...)
	if r.Kind == "task" {
		for i, a := range after {
			if i > 0 {
				b = append(b, "; "...)
			}
			b = escape(b, a)
		}
	}
	return append(b, "</td></tr>\n"...)
}

// size is room enough for rows of fixed bytes each and their labels
// written times times.
func size(rows []Row, fixed, times int) int {
	n := 1024
	for i := range rows {
		n += fixed + times*len(rows[i].Label)
	}
	return n
}

// appendNum writes f rounded to a tenth, without a trailing ".0".
func appendNum(b []byte, f float64) []byte {
	v := int64(math.Round(f * 10))
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/10, 10)
	if d := v % 10; d != 0 {
		b = append(b, '.', byte('0'+d))
	}
	return b
}

// escape writes s as text or as a quoted attribute's value of HTML and
// XML alike: the five markup characters as entities, and what XML may not
// hold (control characters but tab and newlines, invalid UTF-8, U+FFFE
// and U+FFFF) as U+FFFD.
func escape(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'' {
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b = escapeRune(b, r, n)
		i += n
	}
	return b
}

// escapeRune writes rune r (n bytes in its text) escaped.
func escapeRune(b []byte, r rune, n int) []byte {
	switch {
	case r == '&':
		return append(b, "&amp;"...)
	case r == '<':
		return append(b, "&lt;"...)
	case r == '>':
		return append(b, "&gt;"...)
	case r == '"':
		return append(b, "&#34;"...)
	case r == '\'':
		return append(b, "&#39;"...)
	case r == '\t' || r == '\n' || r == '\r':
		return append(b, byte(r))
	case r < 0x20 || r == 0x7f || (r == utf8.RuneError && n == 1) || r == 0xfffe || r == 0xffff:
		return utf8.AppendRune(b, utf8.RuneError)
	}
	return utf8.AppendRune(b, r)
}

// escapeCut writes s escaped, cut to n characters with an ellipsis
// marking the cut (as short does).
func escapeCut(b []byte, s string, n int) []byte {
	if utf8.RuneCountInString(s) <= n {
		return escape(b, s)
	}
	i, k := 0, 0
	for ; k < n-1; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return append(escape(b, s[:i]), "…"...)
}
