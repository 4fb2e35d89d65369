package main

import (
	"context"
	"fmt"
)

// The demo project's budget and progress reports: each partner plans
// personnel, equipment, travel and indirect costs; fifteen expenses over
// the months already run (one partner over budget on equipment), each in
// the budget's history; and two reports of the first partner, the first
// quarter's approved and the second's submitted, waiting for the demo
// admin's decision as a manager.

// demoBudget is each partner's planned amount (euro) per category.
var demoBudget = []struct {
	category string
	euro     int64
}{{"personnel", 60_000}, {"equipment", 18_000}, {"travel", 6_000}, {"indirect", 15_000}}

// demoExpenses are the expenses: partner (index, modulo the partners),
// category (index of demoBudget), days ago, cents, description.
var demoExpenses = []struct {
	partner, category, days int
	cents                   int64
	what                    string
}{
	{0, 0, 220, 850_000, "Stipendi di ricerca, primo bimestre"},
	{0, 1, 200, 1_240_000, "Sensori di umidità del suolo (40 pezzi)"},
	{1, 0, 190, 620_000, "Tecnico di campo, primo trimestre"},
	{0, 2, 185, 38_540, "Sopralluogo alle parcelle pilota"},
	{1, 1, 170, 890_000, "Centraline meteo"},
	{0, 0, 160, 850_000, "Stipendi di ricerca, secondo bimestre"},
	{1, 2, 150, 21_090, "Trasferta al consorzio di bonifica"},
	{0, 1, 130, 720_000, "Gateway LoRaWAN e antenne"},
	{1, 0, 110, 620_000, "Tecnico di campo, secondo trimestre"},
	{0, 3, 100, 255_000, "Costi indiretti forfettari, primo semestre"},
	{0, 1, 80, -95_000, "Nota di credito del fornitore dei sensori"},
	{1, 3, 70, 186_000, "Costi indiretti forfettari, primo semestre"},
	{0, 0, 50, 850_000, "Stipendi di ricerca, terzo bimestre"},
	{1, 2, 35, 12_780, "Treno per la giornata di formazione"},
	{0, 2, 20, 44_300, "Convegno sull'irrigazione di precisione"},
}

// seedBudget adds project id's budget lines, expenses and history.
func (s *demoSeed) seedBudget(ctx context.Context, id int64) error {
	var partners []int64
	if err := s.tx.NewRaw("SELECT id FROM project_partners WHERE project_id = ? ORDER BY id", id).Scan(ctx, &partners); err != nil || len(partners) == 0 {
		return fmt.Errorf("demo budget: the project has no partner (%v)", err)
	}
	lines := map[[2]int]int64{}
	for p, pid := range partners {
		for c, b := range demoBudget {
			var lid int64
			if err := s.tx.QueryRowContext(ctx, `INSERT INTO project_budget_lines (project_id, partner_id, category, planned_cents)
				VALUES (?, ?, ?, ?) RETURNING id`, id, pid, b.category, b.euro*100).Scan(&lid); err != nil {
				return fmt.Errorf("demo budget line: %w", err)
			}
			lines[[2]int{p, c}] = lid
		}
	}
	for _, e := range demoExpenses {
		lid := lines[[2]int{e.partner % len(partners), e.category}]
		if _, err := s.tx.ExecContext(ctx, `WITH e AS (INSERT INTO project_expenses (project_id, line_id, spent_on, amount_cents, description, created_by)
				VALUES (?0, ?1, current_date - ?2::int, ?3, ?4, ?5) RETURNING id, created_by)
			INSERT INTO project_budget_history (project_id, line_id, expense_id, action, what, after_cents, actor_id, at)
			SELECT ?0, ?1, e.id, 'expense_recorded', ?4, ?3, e.created_by, now() - make_interval(days => ?2) FROM e`,
			id, lid, e.days, e.cents, e.what, s.admin); err != nil {
			return fmt.Errorf("demo expense: %w", err)
		}
	}
	_, err := s.tx.ExecContext(ctx, `UPDATE project_budget_lines l SET actual_cents = coalesce((SELECT sum(amount_cents) FROM project_expenses e WHERE e.line_id = l.id), 0)
		WHERE l.project_id = ?0;
		INSERT INTO project_budget_history (project_id, line_id, action, what, after_cents, actor_id, at)
		SELECT ?0, id, 'line_created', category, planned_cents, ?1, now() - interval '230 days' FROM project_budget_lines WHERE project_id = ?0`, id, s.admin)
	if err != nil {
		return fmt.Errorf("demo budget's actual: %w", err)
	}
	return s.seedReports(ctx, id, partners[0])
}

// seedReports adds partner pid's reports of the project's first two
// quarters: the first approved, the second submitted.
func (s *demoSeed) seedReports(ctx context.Context, id, pid int64) error {
	var referent int64
	if err := s.tx.QueryRowContext(ctx, "SELECT coalesce(referent_id, 0) FROM project_partners WHERE id = ?", pid).Scan(&referent); err != nil {
		return err
	}
	for q, x := range []struct{ state, body string }{
		{"approved", "<p>Nel primo trimestre abbiamo <strong>intervistato 24 aziende agricole</strong> e scelto le parcelle pilota con il consorzio.</p><ul><li>Mappa delle parcelle consegnata</li><li>Requisiti dei sensori in bozza</li></ul>"},
		{"submitted", "<p>Nel secondo trimestre abbiamo acquistato e tarato i sensori; l'installazione è iniziata con due settimane di ritardo per la pioggia.</p><p>La spesa per le attrezzature supera il previsto: chiediamo di spostare 2.000 euro dai costi indiretti.</p>"},
	} {
		var rid int64
		if err := s.tx.QueryRowContext(ctx, `INSERT INTO project_reports (project_id, partner_id, period_start, period_end, body, state, author_id)
			SELECT id, ?, (starts_on + make_interval(months => ?))::date, (starts_on + make_interval(months => ?))::date - 1, ?, ?, nullif(?, 0) FROM projects WHERE id = ? RETURNING id`,
			pid, 3*q, 3*q+3, x.body, x.state, referent, id).Scan(&rid); err != nil {
			return fmt.Errorf("demo report: %w", err)
		}
		steps := [][3]string{{"create", "", "draft"}, {"submit", "draft", "submitted"}}
		if x.state == "approved" {
			steps = append(steps, [3]string{"approve", "submitted", "approved"})
		}
		for _, st := range steps {
			actor := referent
			if st[0] == "approve" {
				actor = s.admin
			}
			if err := s.step(ctx, "project_report", rid, st[0], st[1], st[2], actor); err != nil {
				return err
			}
		}
	}
	return nil
}
