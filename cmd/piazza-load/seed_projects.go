package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/piazza-pa/piazza/modules/community"
)

// The projects of the timeline's and the budget's benchmarks: each the
// size the issue names (forty work packages, four hundred tasks, two
// thousand expenses), over four years around today, managed by one person
// with a dozen others taking part, some of them the referents of the
// project's partners.

// The shape of a seeded project.
const (
	projectWPs      = 40
	projectTasksPer = 10
	projectPeople   = 12
)

// seedProjects adds s.f.Projects projects, each with its closed community,
// its people (the manager, participants, partners' referents, an
// observer), forty work packages a month apart lasting six months each,
// ten tasks in each (in sequence, each after the one before: 360
// dependencies, some tasks done, some late, one person assigned to each),
// a milestone at each work package's end, and its partners' budget and
// progress reports (seed_budget.go).
func (s *seeder) seedProjects(ctx context.Context) error {
	for i := range s.f.Projects {
		if err := s.project(ctx, i); err != nil {
			return fmt.Errorf("project %d: %w", i+1, err)
		}
	}
	return nil
}

// project seeds the i-th project.
func (s *seeder) project(ctx context.Context, i int) error {
	// the managers are members past the tenant's admin and validator (the
	// first two people), whose every page lists what waits in the tenant
	manager := s.people[(2+i)%len(s.people)]
	people := []int64{manager}
	for len(people) < min(projectPeople, len(s.people)) {
		if p := s.person(); !slices.Contains(people, p) {
			people = append(people, p)
		}
	}
	w := s.writer(s.language())
	title := clip(w.title(), 200)
	g := &community.Community{Name: clip(title, 120), Themes: []string{}}
	if err := community.CreateGroup(ctx, s.tx, g, manager, people[1:]); err != nil {
		return err
	}
	start := time.Now().UTC().AddDate(-2, 0, 0).Truncate(24 * time.Hour)
	grant := 1_000_000_00 + s.rng.Int64N(5_000_000_00)
	var id int64
	err := s.tx.QueryRowContext(ctx, `INSERT INTO projects (title, acronym, summary, themes, starts_on, ends_on, status, programme, grant_cents, community_id, created_by)
		VALUES (?, ?, ?, string_to_array(?, ','), ?::date, ?::date, 'running', 'Horizon Europe', ?, ?, ?) RETURNING id`,
		title, fmt.Sprintf("LOAD-%d", i+1), clip(w.sentences(2), 4000), s.someThemes(), start, start.AddDate(4, 0, -1),
		grant, g.ID, manager).Scan(&id)
	if err != nil {
		return err
	}
	picks := s.partnerPicks(people)
	if _, err := insert(ctx, s.tx, "project_members", false, intCol("project_id", repeat(id, len(people))), intCol("user_id", people),
		textCol("role", projectRoles(people, picks))); err != nil {
		return err
	}
	if err := s.projectPlan(ctx, id, start, people); err != nil {
		return err
	}
	return s.projectBudget(ctx, &budgetPlan{project: id, start: start, grant: grant, manager: manager, picks: picks})
}

// projectRoles are the roles of a project's people: the first manages
// it, the partners' referents are referents, the third (when no referent)
// observes, the others take part.
func projectRoles(people []int64, picks []partnerPick) []string {
	roles := make([]string, len(people))
	for j, p := range people {
		switch {
		case j == 0:
			roles[j] = "manager"
		case slices.ContainsFunc(picks, func(x partnerPick) bool { return x.referent == p }):
			roles[j] = "referent"
		case j == 2:
			roles[j] = "observer"
		default:
			roles[j] = "participant"
		}
	}
	return roles
}

// projectPlan seeds project id's work packages, tasks, dependencies,
// assignees and milestones, from start, with one query per kind of row.
func (s *seeder) projectPlan(ctx context.Context, id int64, start time.Time, people []int64) error {
	codes, titles, wpStart, wpEnd := make([]string, projectWPs), make([]string, projectWPs), make([]string, projectWPs), make([]string, projectWPs)
	for k := range projectWPs {
		codes[k], titles[k] = fmt.Sprintf("WP%d", k+1), clip(s.it.title(), 200)
		wpStart[k], wpEnd[k] = day(start.AddDate(0, k, 0)), day(start.AddDate(0, k+6, -1))
	}
	wps, err := insert(ctx, s.tx, "project_work_packages", true, intCol("project_id", repeat(id, projectWPs)), textCol("code", codes),
		textCol("title", titles), textCol("starts_on", wpStart).with("%s::date"), textCol("ends_on", wpEnd).with("%s::date"))
	if err != nil {
		return err
	}
	n := projectWPs * projectTasksPer
	wpOf, tTitle, tStart, tEnd, status, progress := make([]int64, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]int64, n)
	today := time.Now().UTC()
	for k := range n {
		wp, j := k/projectTasksPer, k%projectTasksPer
		from := start.AddDate(0, wp, j*18)
		to := from.AddDate(0, 0, 14)
		wpOf[k], tTitle[k], tStart[k], tEnd[k] = wps[wp], clip(s.it.title(), 200), day(from), day(to)
		status[k], progress[k] = "todo", 0
		switch {
		case to.Before(today) && s.rng.IntN(8) > 0:
			status[k], progress[k] = "done", 100
		case to.Before(today), from.Before(today):
			status[k], progress[k] = "in_progress", int64(10+s.rng.IntN(80))
		}
	}
	tasks, err := insert(ctx, s.tx, "project_tasks", true, intCol("project_id", repeat(id, n)), intCol("work_package_id", wpOf),
		textCol("title", tTitle), textCol("starts_on", tStart).with("%s::date"), textCol("ends_on", tEnd).with("%s::date"),
		textCol("status", status), intCol("progress", progress))
	if err != nil {
		return err
	}
	return s.projectLinks(ctx, id, tasks, wps, wpEnd, people)
}

// projectLinks seeds the dependencies (each task after the one before in
// its work package), one assignee per task and a milestone per work
// package.
func (s *seeder) projectLinks(ctx context.Context, id int64, tasks, wps []int64, wpEnd []string, people []int64) error {
	var pred, succ []int64
	who := make([]int64, len(tasks))
	for k, t := range tasks {
		if k%projectTasksPer > 0 {
			pred, succ = append(pred, tasks[k-1]), append(succ, t)
		}
		who[k] = people[1+k%(len(people)-1)]
		if len(people) == 1 {
			who[k] = people[0]
		}
	}
	if _, err := insert(ctx, s.tx, "project_task_dependencies", false, intCol("project_id", repeat(id, len(pred))),
		intCol("predecessor_id", pred), intCol("successor_id", succ)); err != nil {
		return err
	}
	if _, err := insert(ctx, s.tx, "project_task_assignees", false, intCol("task_id", tasks), intCol("user_id", who)); err != nil {
		return err
	}
	titles := make([]string, len(wps))
	for k := range wps {
		titles[k] = fmt.Sprintf("M%d", k+1)
	}
	_, err := insert(ctx, s.tx, "project_milestones", false, intCol("project_id", repeat(id, len(wps))), intCol("work_package_id", wps),
		textCol("title", titles), textCol("due_on", wpEnd).with("%s::date"))
	return err
}

// day is t's date as SQL reads it.
func day(t time.Time) string { return t.Format(time.DateOnly) }

// repeat is n copies of v.
func repeat(v int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = v
	}
	return out
}
