package project

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

// TestCalendar: an iCalendar file of a project's milestones: CRLF lines,
// folded at 75 octets without cutting a character, text escaped (comma,
// semicolon, backslash, line breaks) and control characters dropped, an
// all-day event per milestone.
func TestCalendar(t *testing.T) {
	p := &Project{ID: 7, Title: "Città; sicure, \\ e pulite", Acronym: "CS"}
	long := strings.Repeat("è", 60) + " fine"
	ms := []Milestone{{ID: 3, Title: "Consegna, prima; parte", DueOn: day("2030-06-30"), Deliverables: "D1\nD2\r\nD3\x02"},
		{ID: 4, Title: long, DueOn: day("2030-12-31")}}
	out := Calendar(p, ms, "alpha.piazza", time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	if strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") || !strings.HasSuffix(out, "\r\n") {
		t.Fatal("a line not ended by CRLF")
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("%d octets: %q", len(l), l)
		}
		if !strings.HasPrefix(l, " ") && !strings.Contains(l, ":") {
			t.Errorf("not a property: %q", l)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	for _, want := range []string{"X-WR-CALNAME:CS — Città\\; sicure\\, \\\\ e pulite", "SUMMARY:Consegna\\, prima\\; parte",
		"DESCRIPTION:D1\\nD2\\nD3\r\n", "DTSTART;VALUE=DATE:20300630", "DTEND;VALUE=DATE:20300701", "UID:milestone-3-project-7@alpha.piazza",
		"DTSTAMP:20300102T030405Z", "SUMMARY:" + long + "\r\n"} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("no %q in %q", want, unfolded)
		}
	}
	if strings.Count(out, "BEGIN:VEVENT") != 2 || strings.Contains(out, "\x02") {
		t.Error("events or a control character")
	}
}

// TestPlanCSV: one row per work package, task and milestone, and a cell
// a spreadsheet would read as a formula turned into text.
func TestPlanCSV(t *testing.T) {
	wp := int64(1)
	pl := &Plan{WorkPackages: []WorkPackage{{ID: 1, Code: "=WP1", Title: "+Analisi", Description: "@SUM(A1)"}},
		Tasks:        []Task{{ID: 5, WorkPackageID: 1, Title: "-2+3", Status: "todo", Assignees: []int64{9}}, {ID: 6, WorkPackageID: 1, Title: "B", Status: Done, Progress: 100}},
		Dependencies: []Dependency{{Predecessor: 5, Successor: 6}},
		Milestones:   []Milestone{{ID: 2, WorkPackageID: &wp, Title: "=HYPERLINK(\"http://evil\")", Reached: true}}}
	var buf bytes.Buffer
	err := PlanCSV(&buf, pl, []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}, map[int64]string{9: "\tAnna"}, func(k string) string { return k })
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 5 {
		t.Fatalf("%d rows: %v", len(rows), err)
	}
	want := [][]string{
		{"wp", "'=WP1", "'+Analisi"},
		{"task", "'=WP1", "'-2+3"},
		{"task", "'=WP1", "B"},
		{"milestone", "'=WP1", "'=HYPERLINK(\"http://evil\")"},
	}
	for i, w := range want {
		for j, c := range w {
			if rows[i+1][j] != c {
				t.Errorf("row %d col %d: %q, want %q", i+1, j, rows[i+1][j], c)
			}
		}
	}
	if rows[1][9] != "'@SUM(A1)" || rows[2][7] != "'\tAnna" || rows[3][8] != "'-2+3" || rows[4][5] != "project.milestone.reached" {
		t.Errorf("cells: %q %q %q %q", rows[1][9], rows[2][7], rows[3][8], rows[4][5])
	}
}
