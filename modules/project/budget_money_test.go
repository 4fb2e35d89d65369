package project_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/project"
)

// amountText writes cents as someone might type them in Italian: with
// thousands and a comma, without thousands, with a dot for the cents, or
// whole euros.
func amountText(rng *rand.Rand, cents int64) string {
	switch rng.IntN(4) {
	case 0:
		return project.Money(cents, "it")
	case 1:
		return fmt.Sprintf("%d,%02d", cents/100, cents%100)
	case 2:
		return fmt.Sprintf("%d.%02d", cents/100, cents%100)
	}
	if cents%100 == 0 {
		return strconv.FormatInt(cents/100, 10)
	}
	return "€ " + project.Money(cents, "it")
}

var monthRE = regexp.MustCompile(`data-month="[^"]+" data-spent="(-?\d+)" data-cumulated="(-?\d+)"`)

// TestBudgetTotals (property): random expenses and corrections, typed in
// random ways, recorded on random lines by the manager or the line's
// referent, some refused for bringing a line below zero: the budget page's
// totals per partner, per category and over the months equal the sums of
// the expenses the database holds and those the test kept, to the cent;
// so do its charts' bars and the CSV export. The seed is printed on
// failure.
func TestBudgetTotals(t *testing.T) {
	seed := uint64(20261202)
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("seed %d", seed)
		}
	})
	w := moduletest.New(t)
	id, ids := budgetProject(t, w)
	admin := w.Browser(t, alpha, "admin")
	referent := map[string]*moduletest.Browser{ids["P1"]: w.Browser(t, alpha, "bruno"), ids["P2"]: w.Browser(t, alpha, "facilitator")}
	lines := map[string]lineKey{}
	planned, actual := map[string]int64{}, map[string]int64{}
	for _, k := range []lineKey{{ids["P1"], "personnel"}, {ids["P1"], "travel"}, {ids["P2"], "equipment"}, {ids["P2"], "other"}, {ids["P2"], "indirect"}} {
		cents := rng.Int64N(5_000_000_00)
		code, loc, _ := post(t, admin, "/projects/"+id+"/budget/lines", url.Values{"partner_id": {k.partner}, "category": {k.category}, "planned": {amountText(rng, cents)}})
		if code != 303 || !strings.HasSuffix(loc, "/budget?done=line") {
			t.Fatalf("line %v: %d %s", k, code, loc)
		}
		lid := query[string](t, w, w.A, "SELECT id::text FROM project_budget_lines WHERE partner_id = ? AND category = ?", k.partner, k.category)
		lines[lid], planned[lid] = k, cents
	}
	lids := make([]string, 0, len(lines))
	for lid := range lines {
		lids = append(lids, lid)
	}
	slices.SortFunc(lids, cmpIDs)
	for i := range 60 {
		lid := lids[rng.IntN(len(lids))]
		cents, kind := 1+rng.Int64N(300_000_00), "expense"
		if rng.IntN(4) == 0 {
			kind, cents = "correction", 1+rng.Int64N(actual[lid]+200_00)
		}
		b := admin
		if i%2 == 1 {
			b = referent[lines[lid].partner]
		}
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(1000))
		code, _, body := sendMulti(t, b, alpha+"/projects/"+id+"/budget", "/projects/"+id+"/budget/expenses", url.Values{"line_id": {lid},
			"spent_on": {day.Format(time.DateOnly)}, "kind": {kind}, "amount": {amountText(rng, cents)}, "description": {fmt.Sprintf("Spesa %d", i)}}, "", "", nil)
		signed := cents
		if kind == "correction" {
			signed = -cents
		}
		switch ok := actual[lid]+signed >= 0; {
		case ok && code == 303:
			actual[lid] += signed
		case !ok && code == 422 && strings.Contains(body, "sotto zero"):
		default:
			t.Fatalf("expense %d (%s %d on a line at %d): %d", i, kind, cents, actual[lid], code)
		}
	}
	checkTotals(t, w, admin, id, lines2sums(lines, planned, actual))
}

// sumsOf are a budget's expected sums by partner name, category and in
// total.
type sumsOf struct {
	partner, category map[string][2]int64
	total             [2]int64
}

// lineKey is a line's partner and category.
type lineKey struct{ partner, category string }

// lines2sums adds planned and actual up by partner and category.
func lines2sums(lines map[string]lineKey, planned, actual map[string]int64) sumsOf {
	s := sumsOf{partner: map[string][2]int64{}, category: map[string][2]int64{}}
	add := func(m map[string][2]int64, key, lid string) {
		x := m[key]
		m[key] = [2]int64{x[0] + planned[lid], x[1] + actual[lid]}
	}
	for lid, k := range lines {
		add(s.partner, k.partner, lid)
		add(s.category, k.category, lid)
		s.total[0] += planned[lid]
		s.total[1] += actual[lid]
	}
	return s
}

// checkTotals compares the budget page of project id (its tables, its
// bars, its months) and its CSV with want, and the lines' actual with the
// sums of their expenses in the database.
func checkTotals(t *testing.T, w *moduletest.World, b *moduletest.Browser, id string, want sumsOf) {
	t.Helper()
	if n := query[int](t, w, w.A, `SELECT count(*) FROM project_budget_lines l WHERE l.project_id = ?
		AND l.actual_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM project_expenses e WHERE e.line_id = l.id)`, id); n != 0 {
		t.Errorf("%d lines whose actual is not the sum of their expenses", n)
	}
	_, page := b.Get(alpha + "/projects/" + id + "/budget")
	byName := map[string]string{}
	for _, r := range []struct{ id, name string }{{"P1", "Ente Uno"}, {"P2", "Ente Due"}} {
		byName[query[string](t, w, w.A, "SELECT p.id::text FROM project_partners p JOIN organizations o ON o.id = p.organization_id WHERE o.name = ? AND p.project_id = ?", r.name, id)] = r.name
	}
	got := sums(t, page, "table-partners")
	for pid, v := range want.partner {
		if got[byName[pid]] != v {
			t.Errorf("partner %s: page %v, want %v", byName[pid], got[byName[pid]], v)
		}
	}
	cats := sums(t, page, "table-categories")
	for c, v := range want.category {
		label := map[string]string{"personnel": "Personale", "travel": "Viaggi e missioni", "equipment": "Attrezzature", "other": "Altri costi", "indirect": "Costi indiretti"}[c]
		if cats[label] != v {
			t.Errorf("category %s: page %v, want %v", c, cats[label], v)
		}
	}
	var spent, last int64
	for _, m := range monthRE.FindAllStringSubmatch(page, -1) {
		s, _ := strconv.ParseInt(m[1], 10, 64)
		last, _ = strconv.ParseInt(m[2], 10, 64)
		spent += s
	}
	if spent != want.total[1] || last != want.total[1] {
		t.Errorf("months: spent %d, cumulated %d; want %d", spent, last, want.total[1])
	}
	checkBars(t, page, want)
	checkBudgetCSV(t, b, id, want.total)
}

// checkBars: the charts' bars carry the same sums as the tables, and the
// page draws a bounded number of SVG elements whatever the expenses.
func checkBars(t *testing.T, page string, want sumsOf) {
	t.Helper()
	var planned, actual int64
	for _, m := range regexp.MustCompile(`id="chart-partners-row-\d+" data-planned="(\d+)" data-actual="(\d+)"`).FindAllStringSubmatch(page, -1) {
		p, _ := strconv.ParseInt(m[1], 10, 64)
		a, _ := strconv.ParseInt(m[2], 10, 64)
		planned, actual = planned+p, actual+a
	}
	if planned != want.total[0] || actual != want.total[1] {
		t.Errorf("the partners' bars: %d planned, %d actual; want %v", planned, actual, want.total)
	}
	svg := page[strings.Index(page, "<svg"):strings.LastIndex(page, "</svg>")]
	if n := strings.Count(svg, "<rect") + strings.Count(svg, "<text") + strings.Count(svg, "<line") + strings.Count(svg, "<polyline"); n > 400 {
		t.Errorf("the charts draw %d elements", n)
	}
}

// checkBudgetCSV: the budget's CSV totals are the page's, with the
// language's decimal comma.
func checkBudgetCSV(t *testing.T, b *moduletest.Browser, id string, total [2]int64) {
	t.Helper()
	res, err := b.Client.Get(alpha + "/projects/" + id + "/budget.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="project-`+id+`-budget.csv"` || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("budget.csv: %s, %s", cd, res.Header.Get("Content-Type"))
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("budget.csv: %d rows, %v", len(rows), err)
	}
	last := rows[len(rows)-1]
	cents := func(s string) int64 {
		n, _ := strconv.ParseInt(strings.NewReplacer(",", "", "-", "").Replace(s), 10, 64)
		return n
	}
	if last[0] != "Totale" || cents(last[2]) != total[0] || cents(last[3]) != total[1] {
		t.Errorf("budget.csv total: %v, want %v", last, total)
	}
}

// TestLineNeverNegative: a correction bigger than what the line spent, or
// removing an expense the corrections need, is refused (with its
// message, nothing written); a negative, ambiguous or too precise amount
// is refused on its field; a planned amount below zero is refused.
func TestLineNeverNegative(t *testing.T) {
	w := moduletest.New(t)
	id, ids := budgetProject(t, w)
	admin := w.Browser(t, alpha, "admin")
	lid := line(t, w, id, ids["P1"], "personnel", 100_000)
	e := spend(t, w, id, lid, 5_000, "2024-05-01")
	spend(t, w, id, lid, -4_000, "2024-05-02")
	p := "/projects/" + id + "/budget/expenses"
	before := budgetSnapshot(t, w)
	for _, c := range []struct{ kind, amount, want string }{
		{"correction", "10,01", "sotto zero"}, {"expense", "-5", "non può essere negativo"}, {"expense", "1,234", "Non è chiaro"},
		{"expense", "1,234567", "due decimali"}, {"expense", "0", "maggiore di zero"}, {"expense", "abc", "Scrivi l&#39;importo in euro"},
	} {
		code, _, body := sendMulti(t, admin, alpha+p+"/new", p, url.Values{"line_id": {lid}, "spent_on": {"2024-06-01"}, "kind": {c.kind},
			"amount": {c.amount}, "description": {"Prova"}}, "", "", nil)
		if code != 422 || !strings.Contains(body, `id="amount-error"`) || !strings.Contains(body, c.want) {
			t.Errorf("%s %q: %d, no %q next to the amount", c.kind, c.amount, code, c.want)
		}
	}
	if code, _, body := post(t, admin, p+"/"+e+"/delete", nil); code != 409 || !strings.Contains(body, "sotto zero") {
		t.Errorf("removing the expense the correction needs: %d", code)
	}
	if code, _, body := sendMulti(t, admin, alpha+p+"/"+e, p+"/"+e, url.Values{"spent_on": {"2024-05-01"}, "kind": {"expense"}, "amount": {"39,99"},
		"description": {"Meno"}}, "", "", nil); code != 422 || !strings.Contains(body, "sotto zero") {
		t.Errorf("correcting the expense below what the correction took off: %d", code)
	}
	if code, _, body := post(t, admin, "/projects/"+id+"/budget/lines/"+lid+"/edit", url.Values{"planned": {"-1"}}); code != 422 || !strings.Contains(body, `id="planned-error"`) {
		t.Errorf("a negative planned amount: %d", code)
	}
	if budgetSnapshot(t, w) != before {
		t.Error("a refused change wrote")
	}
	if code, _, _ := sendMulti(t, admin, alpha+p+"/new", p, url.Values{"line_id": {lid}, "spent_on": {"2024-06-01"}, "kind": {"correction"},
		"amount": {"10,00"}, "description": {"Rimborso"}}, "", "", nil); code != 303 || query[int64](t, w, w.A, "SELECT actual_cents FROM project_budget_lines WHERE id = ?", lid) != 0 {
		t.Errorf("a correction down to zero exactly: %d", code)
	}
}

// TestConcurrentExpenses: people recording expenses and corrections on
// one line, and correcting one of its expenses, all at once (each request
// its own transaction): the line's actual is the sum of its expenses and
// never below zero, every accepted change is one expense (and one row of
// the history), every refused one a form's refusal.
func TestConcurrentExpenses(t *testing.T) {
	w := moduletest.New(t)
	id, ids := budgetProject(t, w)
	lid := line(t, w, id, ids["P1"], "personnel", 0)
	e := spend(t, w, id, lid, 100_00, "2024-05-01")
	p := "/projects/" + id + "/budget/expenses"
	people := []string{"admin", "bruno", "admin", "bruno", "admin", "bruno"}
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for g, name := range people {
		b := w.Browser(t, alpha, name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 6 {
				var code int
				switch (g + i) % 3 {
				case 0:
					code, _, _ = sendMulti(t, b, alpha+p+"/new", p, url.Values{"line_id": {lid}, "spent_on": {"2024-06-01"}, "kind": {"expense"}, "amount": {"10"}, "description": {"Più"}}, "", "", nil)
				case 1:
					code, _, _ = sendMulti(t, b, alpha+p+"/new", p, url.Values{"line_id": {lid}, "spent_on": {"2024-06-01"}, "kind": {"correction"}, "amount": {"35"}, "description": {"Meno"}}, "", "", nil)
				default:
					code, _, _ = sendMulti(t, b, alpha+p+"/new", p+"/"+e, url.Values{"spent_on": {"2024-05-01"}, "kind": {"expense"}, "amount": {strconv.Itoa(50 + 100*(i%2))}, "description": {"Rivista"}}, "", "", nil)
				}
				mu.Lock()
				codes[code]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if codes[303]+codes[422] != len(people)*6 {
		t.Errorf("answers: %v (only accepted and refused expected)", codes)
	}
	got := query[string](t, w, w.A, `SELECT l.actual_cents || ' ' || (SELECT sum(amount_cents) FROM project_expenses WHERE line_id = l.id) || ' ' ||
		(SELECT count(*) FROM project_expenses WHERE line_id = l.id) || ' ' || (SELECT count(*) FROM project_budget_history WHERE action <> 'expense_corrected')
		FROM project_budget_lines l WHERE l.id = ?`, lid)
	f := strings.Fields(got)
	added := codes[303] - query[int](t, w, w.A, "SELECT count(*) FROM project_budget_history WHERE action = 'expense_corrected'")
	if f[0] != f[1] || strings.HasPrefix(f[0], "-") || f[2] != strconv.Itoa(added+1) || f[3] != strconv.Itoa(added) {
		t.Errorf("actual, sum of expenses, expenses, history rows: %s; %d accepted (%v)", got, codes[303], codes)
	}
}

// cmpIDs orders ids as numbers.
func cmpIDs(a, b string) int {
	x, _ := strconv.ParseInt(a, 10, 64)
	y, _ := strconv.ParseInt(b, 10, 64)
	return int(x - y)
}
