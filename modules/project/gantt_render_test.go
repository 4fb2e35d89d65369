package project_test

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/project"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// localizer reads the module's messages in language lang.
func localizer(tb testing.TB, lang string) *i18n.Localizer {
	tb.Helper()
	b, err := i18n.New(project.Messages)
	if err != nil {
		tb.Fatal(err)
	}
	return b.For(lang)
}

// largeTimeline is, in memory, the plan seedLarge writes (forty work
// packages a month apart, ten tasks in sequence in each, a milestone at
// each one's end) around today, with its table's "starts after".
func largeTimeline() (*project.Timeline, time.Time) {
	today := project.Today(time.Now())
	start := today.AddDate(-2, 0, 0)
	p := &project.Project{ID: 1, Title: "Progetto grande", StartsOn: start, EndsOn: start.AddDate(4, 0, -1)}
	pl := &project.Plan{}
	after := map[int64][]string{}
	for k := range int64(40) {
		s := start.AddDate(0, int(k), 0)
		wp := project.WorkPackage{ID: k + 1, Code: fmt.Sprintf("WP%d", k+1), Title: "Pacchetto di lavoro: analisi e sviluppo dei servizi",
			StartsOn: s, EndsOn: s.AddDate(0, 6, -1)}
		pl.WorkPackages = append(pl.WorkPackages, wp)
		for j := range int64(10) {
			t := project.Task{ID: 1000 + k*10 + j, WorkPackageID: wp.ID, Title: fmt.Sprintf("Attività %d del %s: servizio pubblico per la biblioteca", j+1, wp.Code),
				StartsOn: s.AddDate(0, 0, int(j)*18), EndsOn: s.AddDate(0, 0, int(j)*18+14)}
			if t.EndsOn.Before(today) && (j+k)%8 != 0 {
				t.Status, t.Progress = "done", 100
			} else if t.StartsOn.Before(today) {
				t.Status, t.Progress = "in_progress", int(10+(j*7+k)%80)
			}
			if j > 0 {
				pl.Dependencies = append(pl.Dependencies, project.Dependency{Predecessor: t.ID - 1, Successor: t.ID})
				after[t.ID] = []string{pl.Tasks[len(pl.Tasks)-1].Title}
			}
			pl.Tasks = append(pl.Tasks, t)
		}
		pl.Milestones = append(pl.Milestones, project.Milestone{ID: k + 1, WorkPackageID: &wp.ID, Title: "Consegna del " + wp.Code, DueOn: wp.EndsOn})
	}
	return &project.Timeline{Project: p, Plan: pl, After: after}, today
}

// payloadTimeline is a plan whose every label is payload p: a work
// package (code and title), two tasks, the second after the first, the
// first late, and two milestones, one late and one reached.
func payloadTimeline(p string) *project.Timeline {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	wp := project.WorkPackage{ID: 1, Code: cutTo(p, 20), Title: p, StartsOn: day("2030-01-01"), EndsOn: day("2030-06-30")}
	pl := &project.Plan{WorkPackages: []project.WorkPackage{wp},
		Tasks: []project.Task{{ID: 2, WorkPackageID: 1, Title: p, StartsOn: day("2030-01-01"), EndsOn: day("2030-01-31"), Progress: 30},
			{ID: 3, WorkPackageID: 1, Title: p, StartsOn: day("2030-02-01"), EndsOn: day("2030-03-31")}},
		Dependencies: []project.Dependency{{Predecessor: 2, Successor: 3}},
		Milestones:   []project.Milestone{{ID: 4, WorkPackageID: &wp.ID, Title: p, DueOn: day("2030-02-10")}, {ID: 5, Title: p, DueOn: day("2030-02-12"), Reached: true}}}
	pr := &project.Project{ID: 9, Title: p, StartsOn: day("2030-01-01"), EndsOn: day("2030-12-31")}
	tl := &project.Timeline{Project: pr, Plan: pl, After: map[int64][]string{3: {p}}}
	tl.Chart = project.Layout(pr, pl.WorkPackages, pl.Tasks, pl.Dependencies, pl.Milestones, day("2030-02-15"))
	return tl
}

// xmlText is s as an XML reader reads it back from the chart: what XML
// may not hold (control characters, invalid UTF-8) replaced by U+FFFD.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// TestChartEscapes: with each known stored-XSS payload as every label of
// a plan, the chart written by hand is well-formed XML (the whole SVG
// decodes) and the table well-formed too; each label reads back as the
// text it is (shown cut on the chart, whole in its tooltip and in the
// table, and in the table's "starts after"), so that nothing of it became
// markup; and the page they make is inert — in both languages.
func TestChartEscapes(t *testing.T) {
	for _, lang := range []string{"it", "en"} {
		l := localizer(t, lang)
		for i, p := range webtest.Payloads {
			tl := payloadTimeline(p)
			svg, table := string(tl.ChartSVG(l)), string(tl.TableHTML(l))
			var chart, tab svgNode
			if err := xml.Unmarshal([]byte(`<svg xmlns="http://www.w3.org/2000/svg">`+svg+`</svg>`), &chart); err != nil {
				t.Fatalf("%s, payload %d: the chart is not well-formed: %v", lang, i, err)
			}
			if err := xml.Unmarshal([]byte("<table><tbody>"+table+"</tbody></table>"), &tab); err != nil {
				t.Fatalf("%s, payload %d: the table is not well-formed: %v", lang, i, err)
			}
			checkLabels(t, fmt.Sprintf("%s, payload %d", lang, i), tl, chart.byID(map[string]*svgNode{}), tab.byID(map[string]*svgNode{}))
			page := "<!doctype html><html><head><title>x</title></head><body><svg>" + svg + "</svg><table><tbody>" + table + "</tbody></table></body></html>"
			if bad := webtest.Inert(page); bad != "" {
				t.Errorf("%s, payload %d: %s", lang, i, bad)
			}
		}
	}
}

// checkLabels: each row of tl reads back, from the chart's and the
// table's elements by id, as its label.
func checkLabels(t *testing.T, what string, tl *project.Timeline, chart, table map[string]*svgNode) {
	t.Helper()
	if len(tl.Chart.Rows) != 5 {
		t.Fatalf("%s: %d rows", what, len(tl.Chart.Rows))
	}
	for _, r := range tl.Chart.Rows {
		id := fmt.Sprintf("%s-%d", r.Kind, r.ID)
		label := xmlText(r.Label)
		shown := label
		if rs := []rune(label); len(rs) > 30 {
			shown = string(rs[:29]) + "…"
		}
		if r.Late {
			shown += " ⚠"
		}
		row := chart["row-"+id]
		if got := text(part(row, "text", "")); got != shown {
			t.Errorf("%s: %s's label reads %q, want %q", what, id, got, shown)
		}
		tip := part(row, "title", "")
		if long := len([]rune(label)) > 30; long && text(tip) != label || !long && tip != nil {
			t.Errorf("%s: %s's tooltip reads %q, want %q (cut: %v)", what, id, text(tip), label, long)
		}
		tr := table["table-"+id]
		if tr == nil || len(tr.Nodes) != 7 || text(&tr.Nodes[1]) != label {
			t.Errorf("%s: %s's table row: %v", what, id, tr)
			continue
		}
		if r.Kind == "task" && r.ID == 3 && text(&tr.Nodes[6]) != label {
			t.Errorf("%s: %s starts after %q, want %q", what, id, text(&tr.Nodes[6]), label)
		}
	}
}

// text is the text inside n (its elements' included), "" for none.
func text(n *svgNode) string {
	if n == nil {
		return ""
	}
	s := n.Text
	for i := range n.Nodes {
		s += text(&n.Nodes[i])
	}
	return s
}
