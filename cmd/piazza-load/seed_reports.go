package main

import (
	"context"
	"time"
)

// The progress reports of a seeded project: each partner's report of
// every semester ended by today, written by its referent. The earlier
// ones are approved by the manager; the latest is submitted, waiting for
// the manager, for half the partners and still a draft for the others.
// Each report has the workflow steps that led to its state.

// reportStep is a step of a report's workflow.
type reportStep struct {
	action, from, to string
	actor            int64
	at               time.Time
}

// reportRows are the reports to insert, column by column, with each one's
// steps.
type reportRows struct {
	partner, author       []int64
	from, to, body, state []string
	created, updated      []string
	steps                 [][]reportStep
}

// projectReports writes the reports of project b.project's partners.
func (s *seeder) projectReports(ctx context.Context, b *budgetPlan) error {
	var r reportRows
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for i := range b.partners {
		for k := 0; b.start.AddDate(0, 6*k+6, -1).Before(today); k++ {
			state := "approved"
			if !b.start.AddDate(0, 6*k+12, -1).Before(today) {
				state = []string{"submitted", "draft"}[i%2]
			}
			s.report(&r, b, i, b.start.AddDate(0, 6*k, 0), state)
		}
	}
	n := len(r.partner)
	ids, err := insert(ctx, s.tx, "project_reports", true, intCol("project_id", repeat(b.project, n)), intCol("partner_id", r.partner),
		textCol("period_start", r.from).with("%s::date"), textCol("period_end", r.to).with("%s::date"), textCol("body", r.body),
		textCol("state", r.state), intCol("author_id", r.author), textCol("created_at", r.created).with("%s::timestamptz"),
		textCol("updated_at", r.updated).with("%s::timestamptz"))
	if err != nil {
		return err
	}
	return s.reportSteps(ctx, ids, r.steps)
}

// report adds to r partner i's report of the semester from, in state,
// with its steps: created by the referent in the days after the period,
// submitted a week or two later, approved by the manager within a month.
func (s *seeder) report(r *reportRows, b *budgetPlan, i int, from time.Time, state string) {
	to, now, ref := from.AddDate(0, 6, -1), time.Now().UTC(), b.picks[i].referent
	at := minTime(now, to.Add(time.Duration(24+s.rng.IntN(72))*time.Hour))
	steps := []reportStep{{"create", "", "draft", ref, at}}
	body := s.it.paragraphs(1, 1)
	if state != "draft" {
		body = s.it.paragraphs(2, 4)
		at = minTime(now, at.Add(time.Duration(5+s.rng.IntN(10))*24*time.Hour))
		steps = append(steps, reportStep{"submit", "draft", "submitted", ref, at})
	}
	if state == "approved" {
		at = minTime(now, at.Add(time.Duration(3+s.rng.IntN(25))*24*time.Hour))
		steps = append(steps, reportStep{"approve", "submitted", "approved", b.manager, at})
	}
	r.partner, r.author = append(r.partner, b.partners[i]), append(r.author, ref)
	r.from, r.to, r.body, r.state = append(r.from, day(from)), append(r.to, day(to)), append(r.body, body), append(r.state, state)
	r.created, r.updated = append(r.created, stamp(steps[0].at)), append(r.updated, stamp(at))
	r.steps = append(r.steps, steps)
}

// reportSteps writes the steps of the reports ids in their workflow's
// history.
func (s *seeder) reportSteps(ctx context.Context, ids []int64, steps [][]reportStep) error {
	var item, actor []int64
	var action, from, to, at []string
	for k, st := range steps {
		for _, x := range st {
			item, actor = append(item, ids[k]), append(actor, x.actor)
			action, from, to, at = append(action, x.action), append(from, x.from), append(to, x.to), append(at, stamp(x.at))
		}
	}
	_, err := insert(ctx, s.tx, "workflow_history", false, textCol("content_type", fill(len(item), "project_report")),
		intCol("item_id", item), textCol("action", action), textCol("from_state", from), textCol("to_state", to),
		intCol("actor_id", actor), textCol("at", at).with("%s::timestamptz"))
	return err
}
