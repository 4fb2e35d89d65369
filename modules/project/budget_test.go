package project_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// budgetProject makes a project of alpha's admin running from 2024 to
// 2027 with two partners: "Ente Uno" (bruno its referent) and "Ente Due"
// (the facilitator its referent), carla a participant and dario an
// observer. It returns the project's id and the partners' ids ("P1",
// "P2").
func budgetProject(t *testing.T, w *moduletest.World) (string, map[string]string) {
	t.Helper()
	id := create(t, w.Browser(t, alpha, "admin"), alpha, "Progetto del budget", url.Values{"starts_on": {"2024-01-01"}, "ends_on": {"2027-12-31"}})
	join(t, w, id, "bruno", "referent")
	join(t, w, id, "facilitator", "referent")
	join(t, w, id, "carla", "participant")
	join(t, w, id, "dario", "observer")
	ids := map[string]string{}
	for _, x := range []struct{ key, org, who string }{{"P1", "Ente Uno", "bruno"}, {"P2", "Ente Due", "facilitator"}} {
		ids[x.key] = query[string](t, w, w.A, `WITH o AS (INSERT INTO organizations (name) VALUES (?) RETURNING id)
			INSERT INTO project_partners (project_id, organization_id, referent_id) SELECT ?, o.id, ? FROM o RETURNING id::text`,
			x.org, id, w.ID("alpha", x.who))
	}
	return id, ids
}

// line adds a line of partner pid in category with planned cents to
// project id and returns its id.
func line(t *testing.T, w *moduletest.World, id, pid, category string, planned int64) string {
	t.Helper()
	return query[string](t, w, w.A, `INSERT INTO project_budget_lines (project_id, partner_id, category, planned_cents)
		VALUES (?, ?, ?, ?) RETURNING id::text`, id, pid, category, planned)
}

// spend records an expense of cents on line lid (its actual kept) and
// returns its id.
func spend(t *testing.T, w *moduletest.World, id, lid string, cents int64, on string) string {
	t.Helper()
	return query[string](t, w, w.A, `WITH l AS (UPDATE project_budget_lines SET actual_cents = actual_cents + ?2 WHERE id = ?1 RETURNING id)
		INSERT INTO project_expenses (project_id, line_id, spent_on, amount_cents, description) SELECT ?0, l.id, ?3, ?2, 'Spesa' FROM l RETURNING id::text`,
		id, lid, cents, on)
}

// sendMulti posts fields (and a file named name of type declared, when
// data is not nil) as multipart to path with the CSRF token of page.
func sendMulti(t *testing.T, b *moduletest.Browser, page, path string, fields url.Values, name, declared string, data []byte) (int, string, string) {
	t.Helper()
	_, p := b.Get(page)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("_csrf", webtest.CSRF(p))
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if data != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, strings.ReplaceAll(name, `"`, `\"`)))
		h.Set("Content-Type", declared)
		part, _ := mw.CreatePart(h)
		_, _ = part.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, alpha+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(body)
}

// budgetSnapshot is every row of alpha's budget and report tables.
func budgetSnapshot(t *testing.T, w *moduletest.World) string {
	return query[string](t, w, w.A, `SELECT concat_ws('|',
		(SELECT string_agg(x::text, ',' ORDER BY id) FROM project_budget_lines x), (SELECT string_agg(x::text, ',' ORDER BY id) FROM project_expenses x),
		(SELECT count(*) FROM project_budget_history), (SELECT string_agg(x::text, ',' ORDER BY id) FROM project_reports x),
		(SELECT count(*) FROM attachments), (SELECT string_agg(x::text, ',' ORDER BY id) FROM project_partners x))`)
}

// budgetRoute is a route of the budget or the reports with an accepted
// form (nil: a GET; multi: sent as multipart), the roles that may use it
// and the one that does when it changes something once only (by).
type budgetRoute struct {
	path  string
	form  url.Values
	multi bool
	may   []string
	by    string
}

// TestBudgetRoles: every route of the budget and the reports is allowed
// exactly to the roles that may: a partner referent changes their own
// partner's lines, expenses and reports and not the other partner's,
// participants and observers read, the manager changes every line and
// decides reports (and writes none); to a member outside the project and
// to the other tenant's members every route is a page not found; a
// refused request writes nothing.
func TestBudgetRoles(t *testing.T) {
	w := moduletest.New(t)
	id, ids := budgetProject(t, w)
	l1, l2 := line(t, w, id, ids["P1"], "personnel", 1_000_000), line(t, w, id, ids["P2"], "travel", 500_000)
	l3, l4 := line(t, w, id, ids["P1"], "subcontracting", 0), line(t, w, id, ids["P1"], "indirect", 0)
	e1, e2 := spend(t, w, id, l1, 12_345, "2024-02-10"), spend(t, w, id, l2, 5_000, "2024-03-01")
	e3, e4 := spend(t, w, id, l1, 100, "2024-04-01"), spend(t, w, id, l1, 200, "2024-04-02")
	report := func(pid, state string, from string) string {
		return query[string](t, w, w.A, `INSERT INTO project_reports (project_id, partner_id, period_start, period_end, body, state)
			VALUES (?, ?, ?::date, ?::date + 89, '<p>Fatto.</p>', ?) RETURNING id::text`, id, pid, from, from, state)
	}
	r1, r2, r3, r4 := report(ids["P1"], "draft", "2024-01-01"), report(ids["P1"], "submitted", "2024-04-01"), report(ids["P2"], "draft", "2024-01-01"), report(ids["P2"], "submitted", "2024-04-01")
	r5 := report(ids["P1"], "draft", "2024-07-01")
	p := "/projects/" + id
	all := []string{"manager", "referent", "referent2", "participant", "observer"}
	editors := []string{"manager", "referent", "referent2"}
	p1 := []string{"manager", "referent"}
	expense := url.Values{"line_id": {l1}, "spent_on": {"2024-05-01"}, "kind": {"expense"}, "amount": {"1.234,56"}, "description": {"Licenza"}}
	routes := []budgetRoute{
		{path: p + "/budget", may: all}, {path: p + "/budget/history", may: all}, {path: p + "/budget.csv", may: all},
		{path: p + "/expenses.csv", may: all}, {path: p + "/budget/expenses/" + e1, may: all}, {path: p + "/reports", may: all},
		{path: p + "/reports/" + r1, may: all}, {path: p + "/budget/lines/new", may: editors}, {path: p + "/budget/expenses/new", may: editors},
		{path: p + "/budget/lines/" + l1 + "/edit", may: p1}, {path: p + "/budget/lines/" + l2 + "/edit", may: []string{"manager", "referent2"}},
		{path: p + "/reports/" + r1 + "/edit", may: []string{"referent"}}, {path: p + "/reports/" + r3 + "/edit", may: []string{"referent2"}},
		{path: p + "/budget/lines", form: url.Values{"partner_id": {ids["P1"]}, "category": {"other"}, "planned": {"100"}}, may: p1},
		{path: p + "/budget/lines/" + l1 + "/edit", form: url.Values{"planned": {"20.000,00"}, "note": {"Due persone"}}, may: p1},
		{path: p + "/budget/lines/" + l2 + "/edit", form: url.Values{"planned": {"6.000"}}, may: []string{"manager", "referent2"}},
		{path: p + "/budget/expenses", form: expense, multi: true, may: p1},
		{path: p + "/budget/expenses/" + e1, form: url.Values{"spent_on": {"2024-02-11"}, "kind": {"expense"}, "amount": {"123,45"}, "description": {"Corretta"}}, multi: true, may: p1},
		{path: p + "/budget/expenses/" + e2, form: url.Values{"spent_on": {"2024-03-01"}, "kind": {"expense"}, "amount": {"60"}, "description": {"Treno"}}, multi: true, may: []string{"manager", "referent2"}},
		{path: p + "/budget/expenses/" + e3 + "/delete", form: url.Values{}, may: p1, by: "referent"},
		{path: p + "/budget/expenses/" + e4 + "/delete", form: url.Values{}, may: p1, by: "manager"},
		{path: p + "/budget/lines/" + l3 + "/delete", form: url.Values{}, may: p1, by: "referent"},
		{path: p + "/budget/lines/" + l4 + "/delete", form: url.Values{}, may: p1, by: "manager"},
		{path: p + "/reports", form: url.Values{"period_start": {"2025-01-01"}, "period_end": {"2025-03-31"}}, may: editors},
		{path: p + "/reports/" + r1 + "/edit", form: url.Values{"body": {"<p>Scritto</p>"}, "action": {"save"}}, may: []string{"referent"}},
		{path: p + "/reports/" + r5 + "/do/submit", form: url.Values{}, may: []string{"referent"}},
		{path: p + "/reports/" + r3 + "/do/submit", form: url.Values{}, may: []string{"referent2"}},
		{path: p + "/reports/" + r2 + "/do/approve", form: url.Values{}, may: []string{"manager"}},
		{path: p + "/reports/" + r4 + "/do/send_back", form: url.Values{"note": {"Manca la parte sui costi."}}, may: []string{"manager"}},
	}
	who := map[string]*moduletest.Browser{"manager": w.Browser(t, alpha, "admin"), "referent": w.Browser(t, alpha, "bruno"),
		"referent2": w.Browser(t, alpha, "facilitator"), "participant": w.Browser(t, alpha, "carla"), "observer": w.Browser(t, alpha, "dario"),
		"outsider": w.Browser(t, alpha, "anna"), "validator": w.Browser(t, alpha, "validator")}
	others := map[string]*moduletest.Browser{"beta admin": w.Browser(t, beta, "admin"), "beta anna": w.Browser(t, beta, "anna")}
	create(t, w.Browser(t, beta, "facilitator"), beta, "Progetto di Beta", nil)
	order := []string{"outsider", "validator", "observer", "participant", "referent2", "referent", "manager"}
	for _, r := range routes {
		for name, b := range others {
			checkBudget(t, w, b, beta, name, r, 404)
		}
		// the refusals first, then who may (a change done once by r.by)
		for _, allowed := range []bool{false, true} {
			for _, role := range order {
				may := slices.Contains(r.may, role)
				if may != allowed || may && r.by != "" && r.by != role {
					continue
				}
				want := 0
				switch {
				case role == "outsider" || role == "validator":
					want = 404
				case !may:
					want = 403
				}
				checkBudget(t, w, who[role], alpha, role, r, want)
			}
		}
	}
}

// checkBudget sends r as b at site and wants status want (0: a success,
// 200 or 303, or a form's refusal 422); a refusal must write nothing.
func checkBudget(t *testing.T, w *moduletest.World, b *moduletest.Browser, site, who string, r budgetRoute, want int) {
	t.Helper()
	before := budgetSnapshot(t, w)
	var code int
	switch {
	case r.form == nil:
		code, _ = b.Get(site + r.path)
	case r.multi && site == alpha:
		code, _, _ = sendMulti(t, b, alpha+"/projects", r.path, cloneForm(r.form), "", "", nil)
	default:
		res, _ := b.Post(site+"/projects", site+r.path, cloneForm(r.form))
		code = res.StatusCode
	}
	switch {
	case want == 0 && code != 200 && code != 303 && code != 422:
		t.Errorf("%s %s: %d, want success", who, r.path, code)
	case want != 0 && code != want:
		t.Errorf("%s %s: %d, want %d", who, r.path, code, want)
	}
	if want != 0 && budgetSnapshot(t, w) != before {
		t.Errorf("%s %s: refused but wrote", who, r.path)
	}
}

var tableRowRE = regexp.MustCompile(`<tr data-planned="(-?\d+)" data-actual="(-?\d+)"[^>]*><th scope="row">([^<]*)</th>`)

// sums reads the rows of table id of a budget page: label → planned,
// actual.
func sums(t *testing.T, page, id string) map[string][2]int64 {
	t.Helper()
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no table %s", id)
	}
	table := page[i : i+strings.Index(page[i:], "</table>")]
	out := map[string][2]int64{}
	for _, m := range tableRowRE.FindAllStringSubmatch(table, -1) {
		planned, _ := strconv.ParseInt(m[1], 10, 64)
		actual, _ := strconv.ParseInt(m[2], 10, 64)
		out[m[3]] = [2]int64{planned, actual}
	}
	return out
}

// inAlpha runs fn in alpha's schema.
func inAlpha(t *testing.T, w *moduletest.World, fn func(ctx context.Context, tx bun.Tx) error) {
	w.In(t, w.A, fn)
}
