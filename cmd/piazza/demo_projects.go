package main

import (
	"context"
	"fmt"

	"github.com/piazza-pa/piazza/modules/community"
)

// The demo's project: the proposal whose work group the demo has, carried
// on as a running project (started eight months ago, for two years), its
// proposer and the demo admin managing it, its relevant respondents as
// partner referents (for their organisation) or participants, with three
// work packages, tasks with dependencies (some late) and milestones.

// demoWorkPackages are the project's work packages: code, title, and
// start and end in months from today.
var demoWorkPackages = []struct {
	code, title string
	from, to    int
}{
	{"WP1", "Analisi dei fabbisogni in campo", -8, -2},
	{"WP2", "Sperimentazione dei sensori", -3, 8},
	{"WP3", "Diffusione e trasferimento", 6, 15},
}

// demoTasks are its tasks: work package (index), title, start and end in
// days from today, progress, status, and the task it follows (index, -1
// for none).
var demoTasks = []struct {
	wp       int
	title    string
	from, to int
	progress int
	status   string
	after    int
}{
	{0, "Interviste alle aziende agricole", -235, -180, 100, "done", -1},
	{0, "Mappa delle parcelle pilota", -175, -120, 100, "done", 0},
	{0, "Requisiti dei sensori", -115, -70, 80, "in_progress", 1},          // late
	{1, "Acquisto e taratura dei sensori", -60, -10, 60, "in_progress", 2}, // late
	{1, "Installazione nelle parcelle", -5, 40, 10, "in_progress", 3},
	{1, "Raccolta dati della prima stagione", 45, 200, 0, "todo", 4},
	{2, "Manuale d'uso per i consorzi", 205, 300, 0, "todo", 5},
	{2, "Giornate dimostrative", 310, 420, 0, "todo", 6},
}

// demoMilestones are its milestones: work package, title, day from today,
// deliverables, reached.
var demoMilestones = []struct {
	wp       int
	title    string
	day      int
	delivers string
	reached  bool
}{
	{0, "Parcelle pilota scelte", -120, "D1.1 Mappa delle parcelle", true},
	{1, "Sensori in campo", 20, "D2.1 Rapporto di installazione", false},
	{2, "Conferenza finale", 430, "D3.1 Atti della conferenza\nD3.2 Manuale d'uso", false},
}

// seedProject starts the demo project from the proposal with a work group.
func (s *demoSeed) seedProject(ctx context.Context) error {
	var pid, group, proposer int64
	var title, summary string
	if err := s.tx.QueryRowContext(ctx, `SELECT id, work_group_id, author_id, title, summary FROM proposals WHERE work_group_id IS NOT NULL ORDER BY id LIMIT 1`).
		Scan(&pid, &group, &proposer, &title, &summary); err != nil {
		return fmt.Errorf("demo project's proposal: %w", err)
	}
	var id int64
	err := s.tx.QueryRowContext(ctx, `INSERT INTO projects (title, acronym, summary, themes, starts_on, ends_on, status, programme, funding_call,
			grant_cents, community_id, origin_kind, origin_id, created_by)
		SELECT ?, 'SMART-IRR', ?, themes, current_date - interval '8 months', current_date + interval '16 months' - interval '1 day', 'running',
			'PR FESR Lombardia 2021-2027', 'Bando Collabora & Innova', 48000000, ?, 'proposal', id, ? FROM proposals WHERE id = ? RETURNING id`,
		title, summary, group, proposer, pid).Scan(&id)
	if err != nil {
		return fmt.Errorf("demo project: %w", err)
	}
	if _, err := s.tx.ExecContext(ctx, `INSERT INTO project_members (project_id, user_id, role) VALUES (?0, ?1, 'manager'), (?0, ?2, 'manager');
		INSERT INTO project_partners (project_id, organization_id, referent_id)
			SELECT DISTINCT ON (om.organization_id) ?0, om.organization_id, i.author_id FROM proposal_interests i
			JOIN organization_members om ON om.user_id = i.author_id AND om.state = 'active'
			WHERE i.proposal_id = ?3 AND i.state = 'relevant' ORDER BY om.organization_id, i.author_id;
		INSERT INTO project_members (project_id, user_id, role)
			SELECT ?0, i.author_id, CASE WHEN EXISTS (SELECT 1 FROM project_partners WHERE project_id = ?0 AND referent_id = i.author_id)
				THEN 'referent' ELSE 'participant' END FROM proposal_interests i WHERE i.proposal_id = ?3 AND i.state = 'relevant'
			ON CONFLICT DO NOTHING`, id, proposer, s.admin, pid); err != nil {
		return fmt.Errorf("demo project's people: %w", err)
	}
	if _, err := community.AddParticipants(ctx, s.tx, group, []int64{s.admin}, proposer); err != nil {
		return err
	}
	if err := s.seedPlan(ctx, id); err != nil {
		return err
	}
	return s.seedBudget(ctx, id)
}

// seedPlan adds the demo project's work packages, tasks (assigned to its
// people in turn), dependencies and milestones.
func (s *demoSeed) seedPlan(ctx context.Context, id int64) error {
	var people []int64
	if err := s.tx.NewRaw("SELECT user_id FROM project_members WHERE project_id = ? ORDER BY role DESC, user_id", id).Scan(ctx, &people); err != nil {
		return err
	}
	wps := make([]int64, len(demoWorkPackages))
	for i, w := range demoWorkPackages {
		if err := s.tx.QueryRowContext(ctx, `INSERT INTO project_work_packages (project_id, code, title, starts_on, ends_on)
			VALUES (?, ?, ?, current_date + make_interval(months => ?), current_date + make_interval(months => ?)) RETURNING id`,
			id, w.code, w.title, w.from, w.to).Scan(&wps[i]); err != nil {
			return fmt.Errorf("demo work package: %w", err)
		}
	}
	tasks := make([]int64, len(demoTasks))
	for i, x := range demoTasks {
		if err := s.tx.QueryRowContext(ctx, `INSERT INTO project_tasks (project_id, work_package_id, title, starts_on, ends_on, status, progress)
			VALUES (?, ?, ?, current_date + ?::int, current_date + ?::int, ?, ?) RETURNING id`,
			id, wps[x.wp], x.title, x.from, x.to, x.status, x.progress).Scan(&tasks[i]); err != nil {
			return fmt.Errorf("demo task: %w", err)
		}
		if _, err := s.tx.ExecContext(ctx, "INSERT INTO project_task_assignees (task_id, user_id) VALUES (?, ?)", tasks[i], people[i%len(people)]); err != nil {
			return err
		}
		if x.after >= 0 {
			if _, err := s.tx.ExecContext(ctx, "INSERT INTO project_task_dependencies (project_id, predecessor_id, successor_id) VALUES (?, ?, ?)",
				id, tasks[x.after], tasks[i]); err != nil {
				return fmt.Errorf("demo dependency: %w", err)
			}
		}
	}
	for _, m := range demoMilestones {
		if _, err := s.tx.ExecContext(ctx, `INSERT INTO project_milestones (project_id, work_package_id, title, due_on, deliverables, reached)
			VALUES (?, ?, ?, current_date + ?::int, ?, ?)`, id, wps[m.wp], m.title, m.day, m.delivers, m.reached); err != nil {
			return fmt.Errorf("demo milestone: %w", err)
		}
	}
	return nil
}
