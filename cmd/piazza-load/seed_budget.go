package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun/dialect/pgdialect"
)

// The budget of each seeded project, as the budget's benchmark needs it:
// partners (organisations of the tenant, each with its referent among the
// project's people), a line per partner and category sharing the grant,
// two thousand expenses over the months run so far (a few of them credit
// notes, no line ever below zero, each line's actual the sum of its
// expenses), every line and expense in the budget's history, and the
// partners' progress reports (seed_reports.go). Rows are written as the
// product writes them, one query per kind of row.

// The size of a seeded budget.
const (
	projectPartners = 8
	projectExpenses = 2000
)

// categoryShares are the budget's categories, in the order pages show
// them, with the share of a partner's budget each takes (per mille) and
// how many expenses each gets against the others (salaries every month,
// many trips, a few large purchases).
var categoryShares = []struct {
	name            string
	share, expenses int
}{{"personnel", 500, 4}, {"equipment", 120, 1}, {"travel", 50, 3}, {"subcontracting", 80, 1}, {"other", 50, 2}, {"indirect", 200, 1}}

// partnerPick is a partner chosen for a project: its organisation and
// referent; joins when the referent was not an active member of it and
// becomes one.
type partnerPick struct {
	org, referent int64
	joins         bool
}

// budgetPlan is what a project's budget is made of, drawn before it is
// written.
type budgetPlan struct {
	project, grant, manager int64
	start                   time.Time
	picks                   []partnerPick
	partners                []int64 // their ids, in the picks' order
	lines                   []lineDraft
	expenses                []expenseDraft // by date
}

// lineDraft is a budget line: its partner (a position in picks), its
// category (a position in categoryShares) and its amounts.
type lineDraft struct {
	partner, cat    int
	planned, actual int64
}

// expenseDraft is an expense on a line (a position in lines).
type expenseDraft struct {
	line  int
	on    time.Time
	cents int64
	what  string
}

// partnerPicks chooses a project's partners among the tenant's
// organisations, up to projectPartners, each with a referent among its
// people but the manager (people[0]) and the observer (people[2]): first
// those who already work for an organisation not chosen yet, then others,
// who join one not chosen yet.
func (s *seeder) partnerPicks(people []int64) []partnerPick {
	var picks []partnerPick
	var free []int64
	taken := map[int64]bool{}
	for j, p := range people {
		if j == 0 || j == 2 {
			continue
		}
		if o, ok := s.orgOf[p]; ok && !taken[o] && len(picks) < projectPartners {
			taken[o] = true
			picks = append(picks, partnerPick{org: o, referent: p})
		} else {
			free = append(free, p)
		}
	}
	for _, k := range s.rng.Perm(len(s.orgs)) {
		if len(picks) == projectPartners || len(free) == 0 {
			break
		}
		if o := s.orgs[k]; !taken[o] {
			taken[o] = true
			picks = append(picks, partnerPick{org: o, referent: free[0], joins: true})
			free = free[1:]
		}
	}
	return picks
}

// projectBudget writes project b.project's partners, budget, history and
// reports.
func (s *seeder) projectBudget(ctx context.Context, b *budgetPlan) error {
	if len(b.picks) == 0 {
		return nil
	}
	if err := s.budgetPartners(ctx, b); err != nil {
		return err
	}
	s.planLines(b)
	s.planExpenses(b)
	lines, err := s.writeLines(ctx, b)
	if err != nil {
		return err
	}
	if err := s.writeExpenses(ctx, b, lines); err != nil {
		return err
	}
	return s.projectReports(ctx, b)
}

// budgetPartners makes the referents who did not work for their partner
// its active employees, and the organisations the project's partners.
func (s *seeder) budgetPartners(ctx context.Context, b *budgetPlan) error {
	var orgs, refs, joinOrgs, joinUsers []int64
	for _, p := range b.picks {
		orgs, refs = append(orgs, p.org), append(refs, p.referent)
		if p.joins {
			joinOrgs, joinUsers = append(joinOrgs, p.org), append(joinUsers, p.referent)
		}
	}
	if len(joinOrgs) > 0 {
		if _, err := s.tx.ExecContext(ctx, `INSERT INTO organization_members (organization_id, user_id, role, state, decided_at)
			SELECT o, u, 'employee', 'active', now() FROM unnest(?::bigint[], ?::bigint[]) AS r(o, u)
			ON CONFLICT (organization_id, user_id) DO UPDATE SET state = 'active', decided_at = now()`,
			pgdialect.Array(joinOrgs), pgdialect.Array(joinUsers)); err != nil {
			return err
		}
	}
	var err error
	b.partners, err = insert(ctx, s.tx, "project_partners", true, intCol("project_id", repeat(b.project, len(orgs))),
		intCol("organization_id", orgs), intCol("referent_id", refs))
	return err
}

// planLines shares the grant among the partners (the coordinator, the
// first, with more) and, for each, among the categories, in whole euro.
func (s *seeder) planLines(b *budgetPlan) {
	weights := make([]int64, len(b.picks))
	var sum int64
	for i := range weights {
		weights[i] = 100 + s.rng.Int64N(200)
		if i == 0 {
			weights[i] += 200
		}
		sum += weights[i]
	}
	for i, w := range weights {
		for c, x := range categoryShares {
			euro := b.grant / 100 * w / sum * int64(x.share) / 1000
			b.lines = append(b.lines, lineDraft{partner: i, cat: c, planned: euro * 100})
		}
	}
}

// planExpenses spreads projectExpenses expenses over the lines, each
// line's share by its category's weight, in date order.
func (s *seeder) planExpenses(b *budgetPlan) {
	cum := make([]int, len(b.lines))
	total := 0
	for i, l := range b.lines {
		total += categoryShares[l.cat].expenses
		cum[i] = total
	}
	counts := make([]int, len(b.lines))
	for range projectExpenses {
		k, _ := slices.BinarySearch(cum, 1+s.rng.IntN(total))
		counts[k]++
	}
	days := max(1, int(time.Now().UTC().Sub(b.start).Hours()/24))
	for l, n := range counts {
		s.lineExpenses(b, l, n, days)
	}
	// Stable: a line's expenses of one day keep their order, a credit
	// note after what it takes back.
	slices.SortStableFunc(b.expenses, func(x, y expenseDraft) int { return x.on.Compare(y.on) })
}

// lineExpenses draws line l's n expenses over the days from the project's
// start to yesterday: the line spends a quarter to seven tenths of its
// plan by now, one line in ten more than its plan. One expense in thirty
// after the first is a credit note taking back part of the one before,
// never more than the line spent until then.
func (s *seeder) lineExpenses(b *budgetPlan, l, n, days int) {
	line := &b.lines[l]
	if n == 0 {
		return
	}
	spend := line.planned * int64(25+s.rng.IntN(46)) / 100
	if s.rng.IntN(10) == 0 {
		spend = line.planned * int64(105+s.rng.IntN(26)) / 100
	}
	on := make([]time.Time, n)
	for k := range on {
		on[k] = b.start.AddDate(0, 0, s.rng.IntN(days))
	}
	slices.SortFunc(on, time.Time.Compare)
	var last expenseDraft
	for _, d := range on {
		e := expenseDraft{line: l, on: d, cents: max(1, spend/int64(n)*int64(50+s.rng.IntN(101))/100),
			what: s.expenseText(categoryShares[line.cat].name, d)}
		if last.cents > 0 && line.actual > 0 && s.rng.IntN(30) == 0 {
			e.cents = -min(line.actual, max(1, last.cents*int64(10+s.rng.IntN(41))/100))
			e.what = clip(fmt.Sprintf(s.it.pick(creditNotes), last.what), 1000)
		} else {
			last = e
		}
		line.actual += e.cents
		b.expenses = append(b.expenses, e)
	}
}

// writeLines inserts the lines, each with its actual and its creation in
// the history by its partner's referent in the project's first week, and
// returns their ids.
func (s *seeder) writeLines(ctx context.Context, b *budgetPlan) ([]int64, error) {
	n := len(b.lines)
	partner, planned, actual, actor := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	cats, at := make([]string, n), make([]string, n)
	for i, l := range b.lines {
		partner[i], planned[i], actual[i] = b.partners[l.partner], l.planned, l.actual
		cats[i], at[i], actor[i] = categoryShares[l.cat].name, stamp(b.start.AddDate(0, 0, 1+s.rng.IntN(7))), b.picks[l.partner].referent
	}
	ids, err := insert(ctx, s.tx, "project_budget_lines", true, intCol("project_id", repeat(b.project, n)), intCol("partner_id", partner),
		textCol("category", cats), intCol("planned_cents", planned), intCol("actual_cents", actual), textCol("created_at", at).with("%s::timestamptz"))
	if err != nil {
		return nil, err
	}
	_, err = insert(ctx, s.tx, "project_budget_history", false, intCol("project_id", repeat(b.project, n)), intCol("line_id", ids),
		textCol("action", fill(n, "line_created")), textCol("what", cats), intCol("after_cents", planned), intCol("actor_id", actor),
		textCol("at", at).with("%s::timestamptz"))
	return ids, err
}

// writeExpenses inserts the expenses on lines (their ids), each recorded
// by its partner's referent a few days after it was spent, with its row
// in the history.
func (s *seeder) writeExpenses(ctx context.Context, b *budgetPlan, lines []int64) error {
	n := len(b.expenses)
	line, cents, by := make([]int64, n), make([]int64, n), make([]int64, n)
	on, what, at := make([]string, n), make([]string, n), make([]string, n)
	now := time.Now().UTC()
	for i, e := range b.expenses {
		line[i], cents[i], by[i] = lines[e.line], e.cents, b.picks[b.lines[e.line].partner].referent
		on[i], what[i] = day(e.on), e.what
		at[i] = stamp(minTime(now, e.on.Add(time.Duration(8+s.rng.IntN(10*24))*time.Hour)))
	}
	ids, err := insert(ctx, s.tx, "project_expenses", true, intCol("project_id", repeat(b.project, n)), intCol("line_id", line),
		textCol("spent_on", on).with("%s::date"), intCol("amount_cents", cents), textCol("description", what),
		intCol("created_by", by), textCol("created_at", at).with("%s::timestamptz"))
	if err != nil {
		return err
	}
	_, err = insert(ctx, s.tx, "project_budget_history", false, intCol("project_id", repeat(b.project, n)), intCol("line_id", line),
		intCol("expense_id", ids), textCol("action", fill(n, "expense_recorded")), textCol("what", what), intCol("after_cents", cents),
		intCol("actor_id", by), textCol("at", at).with("%s::timestamptz"))
	return err
}

// stamp is t as SQL reads a timestamptz.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// minTime is the earlier of a and b.
func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
