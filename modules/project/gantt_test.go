package project_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/project"
)

// svgNode is any element of the chart, with its attributes and children.
type svgNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []svgNode  `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n *svgNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// byID indexes the elements of the tree that have an id.
func (n *svgNode) byID(out map[string]*svgNode) map[string]*svgNode {
	if id := n.attr("id"); id != "" {
		out[id] = n
	}
	for i := range n.Nodes {
		n.Nodes[i].byID(out)
	}
	return out
}

// chart parses the SVG of a timeline page.
func chart(t *testing.T, page string) map[string]*svgNode {
	t.Helper()
	k := strings.Index(page, `id="gantt"`)
	i := strings.LastIndex(page[:max(k, 0)], "<svg")
	j := strings.Index(page[max(i, 0):], "</svg>") + max(i, 0)
	if k < 0 || i < 0 || j < i {
		t.Fatal("no chart on the page")
	}
	var root svgNode
	if err := xml.Unmarshal([]byte(page[i:j+len("</svg>")]), &root); err != nil {
		t.Fatalf("the chart is not well-formed SVG: %v", err)
	}
	return root.byID(map[string]*svgNode{})
}

// TestGanttPage: the timeline of a known plan, around today, is SVG with
// each work package and task a bar placed by its dates (four units a day
// on a plan of a year, after the labels' column) with its progress, each
// milestone a diamond, each dependency an arrow, today's line, and the
// late task marked by colour and by a text marker; the table below holds
// the same rows with the same dates; a member with no right to change the
// plan sees it too.
func TestGanttPage(t *testing.T) {
	w := moduletest.New(t)
	admin := w.Browser(t, alpha, "admin")
	today := project.Today(time.Now())
	d := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	id := create(t, admin, alpha, "Cronoprogramma", map[string][]string{"starts_on": {d(-60)}, "ends_on": {d(300)}})
	var wp, a, b, m string
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		one := func(dst *string, q string, args ...any) {
			if err := tx.QueryRowContext(ctx, q, args...).Scan(dst); err != nil {
				t.Fatal(err)
			}
		}
		one(&wp, "INSERT INTO project_work_packages (project_id, code, title, starts_on, ends_on) VALUES (?, 'WP1', 'Analisi', ?, ?) RETURNING id::text", id, d(-60), d(99))
		one(&a, "INSERT INTO project_tasks (project_id, work_package_id, title, starts_on, ends_on, progress) VALUES (?, ?, 'Scaduta', ?, ?, 40) RETURNING id::text", id, wp, d(-50), d(-11))
		one(&b, "INSERT INTO project_tasks (project_id, work_package_id, title, starts_on, ends_on, progress) VALUES (?, ?, 'Prossima', ?, ?, 0) RETURNING id::text", id, wp, d(0), d(29))
		one(&m, "INSERT INTO project_milestones (project_id, work_package_id, title, due_on) VALUES (?, ?, 'Consegna', ?) RETURNING id::text", id, wp, d(30))
		_, err := tx.ExecContext(ctx, "INSERT INTO project_task_dependencies (project_id, predecessor_id, successor_id) VALUES (?, ?, ?)", id, a, b)
		return err
	})
	join(t, w, id, "dario", "observer")
	_, page := w.Browser(t, alpha, "dario").Get(alpha + "/projects/" + id + "/gantt")
	svg := chart(t, page)
	x := func(day int) string { return strconv.Itoa(240 + (day+60)*4) }
	bars := []struct{ id, x, w, done string }{
		{"bar-wp-" + wp, x(-60), "640", ""},    // 160 days
		{"bar-task-" + a, x(-50), "160", "64"}, // 40 days, 40% done
		{"bar-task-" + b, x(0), "120", "0"},    // 30 days
	}
	// The work package's progress: A 40 days at 40%, B 30 days at 0%: 22%.
	bars[0].done = strconv.FormatFloat(640*22.0/100, 'f', -1, 64)
	for _, want := range bars {
		row := svg[strings.Replace(want.id, "bar-", "row-", 1)]
		r := part(row, "rect", "")
		if r == nil {
			t.Errorf("no %s", want.id)
			continue
		}
		if r.attr("x") != want.x || r.attr("width") != want.w {
			t.Errorf("%s at x=%s width=%s, want %s %s", want.id, r.attr("x"), r.attr("width"), want.x, want.w)
		}
		if done := findDone(row); done != want.done {
			t.Errorf("%s's progress part: %s, want %s", want.id, done, want.done)
		}
	}
	row := svg["row-task-"+a]
	if !late(row) || !strings.Contains(fmt.Sprint(row), "⚠") || part(row, "rect", "h") == nil {
		t.Error("the late task is not marked (colour, hatching and text)")
	}
	if r := svg["row-task-"+b]; r == nil || late(r) || part(r, "rect", "h") != nil {
		t.Error("the next task is marked late")
	}
	if p := part(svg["row-milestone-"+m], "polygon", ""); p == nil || !strings.HasPrefix(p.attr("points"), strconv.Itoa(240+90*4+2)+",") {
		t.Errorf("the milestone's diamond: %v", p)
	}
	// The arrow leaves the late task's end, at its middle, and comes down
	// into the next one's start, at its top.
	from := "M" + x(-10) + " " + strconv.Itoa(28+26+13) + " "
	to := " H" + strconv.Itoa(240+60*4+4) + " V" + strconv.Itoa(28+2*26+6)
	if arrow := part(svg["gantt-arrows"], "path", ""); arrow == nil || !strings.HasPrefix(arrow.attr("d"), from) || !strings.HasSuffix(arrow.attr("d"), to) {
		t.Errorf("no arrow from the end of the late task to the next: %v", arrow)
	}
	if line := svg["gantt-today"]; line == nil || line.Nodes[0].attr("x1") != strconv.Itoa(240+60*4+2) {
		t.Error("no today line where today is")
	}
	// The table: the same rows in the same order, with the same dates.
	rowRE := regexp.MustCompile(`<tr id="table-(\w+)-(\d+)"[^>]*><td>[^<]*</td><th scope="row">.*?</th><td>([^<]*)</td><td>([^<]*)</td>`)
	var got []string
	for _, r := range rowRE.FindAllStringSubmatch(page, -1) {
		got = append(got, r[1]+"-"+r[2]+" "+r[3]+" "+r[4])
	}
	it := func(n int) string { return italian(today.AddDate(0, 0, n)) }
	want := []string{"wp-" + wp + " " + it(-60) + " " + it(99), "task-" + a + " " + it(-50) + " " + it(-11), "task-" + b + " " + it(0) + " " + it(29),
		"milestone-" + m + " " + it(30) + " " + it(30)}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the table: %v, want %v", got, want)
	}
	var svgRows []string
	for _, n := range svg["gantt-rows"].Nodes {
		if n.XMLName.Local == "g" {
			svgRows = append(svgRows, strings.TrimPrefix(n.attr("id"), "row-"))
		}
	}
	for i := range svgRows {
		if i >= len(got) || !strings.HasPrefix(got[i], svgRows[i]+" ") {
			t.Errorf("the chart's rows %v and the table's %v differ", svgRows, got)
			break
		}
	}
	if !strings.Contains(page, `class="table-danger"`) || !strings.Contains(page, `<strong>in ritardo</strong>`) {
		t.Error("the table does not mark the late task in words")
	}
}

// findDone is the width of a row's progress part ("0": none is drawn).
func findDone(row *svgNode) string {
	if row == nil {
		return ""
	}
	if d := part(row, "rect", "d"); d != nil {
		return d.attr("width")
	}
	return "0"
}

// part is the first child element of n named name with class class
// (nil for none).
func part(n *svgNode, name, class string) *svgNode {
	if n == nil {
		return nil
	}
	for i := range n.Nodes {
		if c := &n.Nodes[i]; c.XMLName.Local == name && c.attr("class") == class {
			return c
		}
	}
	return nil
}

// late says whether row is marked late.
func late(row *svgNode) bool {
	return row != nil && slices.Contains(strings.Fields(row.attr("class")), "l")
}

// italian is day d as the Italian pages write it.
func italian(d time.Time) string {
	months := []string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
	return fmt.Sprintf("%d %s %d", d.Day(), months[d.Month()-1], d.Year())
}
