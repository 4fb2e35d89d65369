package project_test

import (
	"html"
	"regexp"
	"strconv"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

var (
	nextRE    = regexp.MustCompile(`href="([^"]*)" id="more" rel="next"`)
	expenseRE = regexp.MustCompile(`/budget/expenses/(\d+)"`)
	changeRE  = regexp.MustCompile(`Variazione (\d+)\b`)
)

// TestBudgetPages: the expenses and the budget's history are read page
// by page (their later pages prepared statements with the cursor as
// parameters): following "more" lists every expense and every change
// exactly once, expenses of the same day included, and a forged cursor is
// a page not found.
func TestBudgetPages(t *testing.T) {
	w := moduletest.New(t)
	id, partners := budgetProject(t, w)
	lid := line(t, w, id, partners["P1"], "personnel", 10_000_000)
	want := map[string]bool{}
	for i := range 47 {
		want[spend(t, w, id, lid, int64(100+i), "2025-0"+strconv.Itoa(1+i%9)+"-1"+strconv.Itoa(i%3))] = true
	}
	query[int](t, w, w.A, `WITH h AS (INSERT INTO project_budget_history (project_id, line_id, action, what, at)
		SELECT ?, ?, 'line_changed', 'Variazione ' || g, date_trunc('minute', now()) - (g / 3) * interval '1 minute' FROM generate_series(1, 123) AS g RETURNING 1)
		SELECT count(*) FROM h`, id, lid)
	admin := w.Browser(t, alpha, "admin")
	walk := func(first string, re *regexp.Regexp) map[string]int {
		t.Helper()
		seen := map[string]int{}
		next, pages := first, 0
		for next != "" {
			code, page := admin.Get(alpha + next)
			if code != 200 {
				t.Fatalf("%s: %d", next, code)
			}
			for _, m := range re.FindAllStringSubmatch(page, -1) {
				seen[m[1]]++
			}
			next = ""
			if m := nextRE.FindStringSubmatch(page); m != nil {
				next = html.UnescapeString(m[1])
			}
			if pages++; pages > 20 {
				t.Fatalf("%s: more than 20 pages", first)
			}
		}
		if pages < 3 {
			t.Fatalf("%s: %d pages, want three or more", first, pages)
		}
		return seen
	}
	expenses := walk("/projects/"+id+"/budget", expenseRE)
	for e := range want {
		if expenses[e] != 1 {
			t.Errorf("expense %s listed %d times", e, expenses[e])
		}
	}
	if len(expenses) != len(want) {
		t.Errorf("%d expenses listed, want %d", len(expenses), len(want))
	}
	changes := walk("/projects/"+id+"/budget/history", changeRE)
	for i := 1; i <= 123; i++ {
		if n := changes[strconv.Itoa(i)]; n != 1 {
			t.Errorf("change %d listed %d times", i, n)
		}
	}
	for _, path := range []string{"/budget?after=Zm9yZ2Vk", "/budget/history?after=Zm9yZ2Vk"} {
		if code, _ := admin.Get(alpha + "/projects/" + id + path); code != 404 {
			t.Errorf("%s: %d for a forged cursor", path, code)
		}
	}
}
