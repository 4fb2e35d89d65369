package main

import (
	"context"
	"fmt"

	"github.com/piazza-pa/piazza/modules/community"
)

// demoProposals: one per theme, in every state of the workflow: title,
// kind, TRL, theme, state, the proposer (an index of demoPeople, -1 for
// the demo admin), and the expressions of interest received (respondent
// and state).
var demoProposals = []struct {
	title, summary, kind, theme, state string
	trl, proposer                      int
	interests                          []demoInterest
}{
	{"Banco prova condiviso per componenti satellitari", "Cerchiamo PMI e laboratori per condividere un banco di prova a vibrazione.",
		"technology", "aerospace", "published", 6, -1,
		[]demoInterest{{8, "submitted"}, {5, "in_evaluation"}, {1, "relevant"}}},
	{"Sensori per l'irrigazione di precisione", "Un consorzio agricolo cerca partner per sperimentare sensori di umidità in campo.",
		"research", "agrifood", "published", 4, 2,
		[]demoInterest{{9, "relevant"}, {11, "relevant"}, {5, "not_relevant"}}},
	{"Recupero dei metalli dai RAEE", "Processo di recupero a bassa temperatura da portare su scala industriale.",
		"commercial", "eco_industries", "closed", 7, 5, []demoInterest{{9, "withdrawn"}, {3, "submitted"}}},
	{"Visite immersive per i musei diffusi", "Realtà aumentata per i percorsi tra i musei dei piccoli comuni.",
		"challenge", "creative_cultural", "to_validate", 3, 4, nil},
	{"Televisita per i piccoli comuni", "Un'azienda sanitaria cerca soluzioni di televisita per gli ambulatori di valle.",
		"public_need", "health", "published", 8, 0, []demoInterest{{6, "draft"}, {11, "submitted"}}},
	{"Cobot per le PMI meccaniche", "Una cella robotica collaborativa da provare in tre officine.",
		"technology", "advanced_manufacturing", "draft", 5, 5, nil},
	{"Open call: shared e-bike data platform", "A mobility lab looks for cities and operators to share e-bike trip data.",
		"research", "sustainable_mobility", "published", 5, 8, []demoInterest{{3, "in_evaluation"}}},
	{"Fascicolo digitale del cittadino", "Un unico fascicolo dei documenti del cittadino per i comuni dell'ambito.",
		"public_need", "smart_communities", "archived", 6, 7, nil},
}

// demoInterest is an expression of interest: the respondent (an index of
// demoPeople) and its state.
type demoInterest struct {
	who   int
	state string
}

// demoSteps are the workflow steps that lead a demo proposal to its state.
var demoSteps = map[string][][3]string{
	"draft":       {},
	"to_validate": {{"submit", "draft", "to_validate"}},
	"published":   {{"submit", "draft", "to_validate"}, {"approve", "to_validate", "published"}},
	"closed":      {{"submit", "draft", "to_validate"}, {"approve", "to_validate", "published"}, {"close", "published", "closed"}},
	"archived":    {{"submit", "draft", "to_validate"}, {"approve", "to_validate", "published"}, {"archive", "published", "archived"}},
}

// seedProposals adds demoProposals with their history and expressions of
// interest, and the work group of the second one (its relevant
// respondents): the demo admin has expressions to evaluate.
func (s *demoSeed) seedProposals(ctx context.Context) error {
	for i, d := range demoProposals {
		author := s.admin
		if d.proposer >= 0 {
			author = s.people[d.proposer]
		}
		id, err := s.proposal(ctx, i, author)
		if err != nil {
			return err
		}
		var relevant []int64
		for _, in := range d.interests {
			if err := s.interest(ctx, id, d.title, s.people[in.who], author, in.state); err != nil {
				return err
			}
			if in.state == "relevant" {
				relevant = append(relevant, s.people[in.who])
			}
		}
		if i == 1 {
			g := &community.Community{Name: d.title, Description: d.summary, Themes: []string{d.theme}}
			if err := community.CreateGroup(ctx, s.tx, g, author, relevant); err != nil {
				return fmt.Errorf("demo work group: %w", err)
			}
			if _, err := s.tx.ExecContext(ctx, "UPDATE proposals SET work_group_id = ? WHERE id = ?", g.ID, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// proposal inserts demo proposal i by author with the steps of its state.
func (s *demoSeed) proposal(ctx context.Context, i int, author int64) (int64, error) {
	d := demoProposals[i]
	closes := "now() + interval '30 days'"
	if d.state == "closed" {
		closes = "now() - interval '2 days'"
	}
	published := d.state != "draft" && d.state != "to_validate"
	var id int64
	err := s.tx.QueryRowContext(ctx, `INSERT INTO proposals (title, summary, body, offer, expected, kind, trl, ip_status, countries, languages,
			themes, language, state, author_id, scope_kind, public, closes_at, published_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'none', '{IT,FR,DE}', '{it,en}', ?, ?, ?, ?, 'tenant', true, `+closes+`,
			CASE WHEN ? THEN now() - make_interval(days => ?) END) RETURNING id`,
		d.title, d.summary, "<p>"+d.summary+"</p>", "Competenze, strutture e dati del proponente.", "Partner con esperienza sul tema.",
		d.kind, d.trl, "{"+d.theme+"}", langOf(d.title), d.state, author, published, 10+i).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("demo proposal: %w", err)
	}
	if err := s.step(ctx, "proposal", id, "create", "", "draft", author); err != nil {
		return 0, err
	}
	for _, st := range demoSteps[d.state] {
		actor := s.admin
		if st[0] == "submit" || st[0] == "close" {
			actor = author
		}
		if err := s.step(ctx, "proposal", id, st[0], st[1], st[2], actor); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// interest inserts an expression of interest in proposal pid by who, in
// state, with the steps that led there.
func (s *demoSeed) interest(ctx context.Context, pid int64, title string, who, proposer int64, state string) error {
	var id int64
	if err := s.tx.QueryRowContext(ctx, `INSERT INTO proposal_interests (proposal_id, author_id, offer, role, state, note)
		VALUES (?, ?, 'Abbiamo esperienza sul tema e un laboratorio a disposizione.', 'Partner tecnologico', ?, ?) RETURNING id`,
		pid, who, state, map[string]string{"relevant": "Grazie, vi contatteremo per il gruppo di lavoro.", "not_relevant": "Il profilo non corrisponde a ciò che cerchiamo."}[state]).Scan(&id); err != nil {
		return fmt.Errorf("demo expression of interest: %w", err)
	}
	steps := [][3]string{{"create", "", "draft"}}
	switch state {
	case "draft":
	case "submitted", "withdrawn":
		steps = append(steps, [3]string{"submit", "draft", "submitted"})
	default:
		steps = append(steps, [3]string{"submit", "draft", "submitted"}, [3]string{"evaluate", "submitted", "in_evaluation"})
	}
	if state == "withdrawn" || state == "relevant" || state == "not_relevant" {
		action := map[string]string{"withdrawn": "withdraw"}[state]
		if action == "" {
			action = state
		}
		steps = append(steps, [3]string{action, steps[len(steps)-1][2], state})
	}
	for _, st := range steps {
		actor := who
		if st[0] != "create" && st[0] != "submit" && st[0] != "withdraw" {
			actor = proposer
		}
		if err := s.step(ctx, "proposal_interest", id, st[0], st[1], st[2], actor); err != nil {
			return err
		}
	}
	return nil
}

// step records a workflow step of item id.
func (s *demoSeed) step(ctx context.Context, contentType string, id int64, action, from, to string, actor int64) error {
	_, err := s.tx.ExecContext(ctx, `INSERT INTO workflow_history (content_type, item_id, action, from_state, to_state, actor_id)
		VALUES (?, ?, ?, ?, ?, ?)`, contentType, id, action, from, to, actor)
	return err
}
