package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/piazza-pa/piazza/modules/partnership"
)

// demoKeywords map the sample export's codes and words to S3 themes.
var demoKeywords = [][2]string{
	{"09001002", "aerospace"}, {"03005001", "aerospace"}, {"02007005", "advanced_manufacturing"},
	{"06001009", "agrifood"}, {"08001002", "agrifood"}, {"02011003", "eco_industries"}, {"circular economy", "eco_industries"},
	{"01004003", "creative_cultural"}, {"05003001", "creative_cultural"}, {"06002004", "health"}, {"05001002", "health"},
	{"02006004", "advanced_manufacturing"}, {"04001005", "advanced_manufacturing"}, {"07003002", "sustainable_mobility"},
	{"07001004", "sustainable_mobility"}, {"01003012", "smart_communities"}, {"07004001", "smart_communities"},
}

// demoPartnershipInterests: one interest at each state of the follow-up,
// on a profile of the sample (its reference), by one of demoPeople; the
// advisor is the demo admin, who has one taken over waiting and the new
// ones to take over.
var demoPartnershipInterests = []struct {
	ref     string
	who     int
	state   string
	message string
}{
	{"RDDE20261105005", 0, "new", "La nostra azienda sanitaria può reclutare pazienti per la sperimentazione."},
	{"TOIT20261002001", 1, "taken_over", "Integriamo piattaforme per piccoli satelliti: ci interessano le staffe in composito."},
	{"TRNL20260915002", 2, "info_requested", "Sperimentiamo sensori di umidità in campo con tre aziende agricole."},
	{"TOAT20260612006", 5, "agreement", "Vorremmo provare la cella robotica nella nostra officina."},
	{"TRIT20261020007", 3, "no_agreement", "Gestiamo una piattaforma di trasporto a chiamata in due province."},
	{"BOSI20260505008", 7, "withdrawn", "Il comune valuta una piattaforma di bilancio partecipativo."},
}

// demoFollowUp are the steps that lead an interest to its state (action,
// from, to, the advisor's note), after its creation.
var demoFollowUp = map[string][][4]string{
	"new":            {},
	"taken_over":     {{"take_over", "new", "taken_over", "Contatto il punto EEN austriaco e ti aggiorno."}},
	"info_requested": {{"take_over", "new", "taken_over", ""}, {"request_info", "taken_over", "info_requested", "Mandaci una breve presentazione dei sensori e dei risultati in campo."}},
	"agreement":      {{"take_over", "new", "taken_over", ""}, {"agree", "taken_over", "agreement", "Accordo di cooperazione tecnica firmato a ottobre."}},
	"no_agreement":   {{"take_over", "new", "taken_over", ""}, {"no_agreement", "taken_over", "no_agreement", "Il proponente ha già scelto un fornitore."}},
	"withdrawn":      {{"withdraw", "new", "withdrawn", "Abbiamo scelto una soluzione nazionale."}},
}

// seedPartnerships imports the sample export of EEN profiles with the
// keyword mapping, and the interests in them.
func (s *demoSeed) seedPartnerships(ctx context.Context) error {
	for _, k := range demoKeywords {
		if _, err := partnership.AddMapping(ctx, s.tx, k[0], k[1]); err != nil {
			return fmt.Errorf("demo keyword mapping: %w", err)
		}
	}
	recs, err := partnership.Parse(bytes.NewReader(partnership.Sample), nil)
	if err != nil {
		return fmt.Errorf("demo partnership profiles: %w", err)
	}
	if _, err := partnership.Write(ctx, s.tx, recs, partnership.Options{}); err != nil {
		return fmt.Errorf("demo partnership profiles: %w", err)
	}
	// The sample's dates are of 1 December 2026: moved to today, what is
	// open or past there stays so in a demo started later.
	if _, err := s.tx.ExecContext(ctx, `UPDATE partnerships SET deadline = deadline + (current_date - date '2026-12-01'),
		published_at = published_at + (current_date - date '2026-12-01') * interval '1 day'`); err != nil {
		return err
	}
	for _, d := range demoPartnershipInterests {
		if err := s.partnershipInterest(ctx, d.ref, s.people[d.who], d.state, d.message); err != nil {
			return err
		}
	}
	return nil
}

// partnershipInterest inserts who's interest in profile ref, in state,
// with the steps that led there (the advisor's by the demo admin).
func (s *demoSeed) partnershipInterest(ctx context.Context, ref string, who int64, state, message string) error {
	var advisor any
	if state != "new" && state != "withdrawn" {
		advisor = s.admin
	}
	var id int64
	if err := s.tx.QueryRowContext(ctx, `INSERT INTO partnership_interests (profile_id, author_id, message, state, advisor_id)
		SELECT id, ?, ?, ?, ? FROM partnerships WHERE reference = ? RETURNING id`, who, message, state, advisor, ref).Scan(&id); err != nil {
		return fmt.Errorf("demo interest in %s: %w", ref, err)
	}
	steps := append([][4]string{{"create", "", "new", ""}}, demoFollowUp[state]...)
	for _, st := range steps {
		actor := s.admin
		if st[0] == "create" || st[0] == "withdraw" {
			actor = who
		}
		if _, err := s.tx.ExecContext(ctx, `INSERT INTO workflow_history (content_type, item_id, action, from_state, to_state, actor_id, note)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, partnership.InterestType, id, st[0], st[1], st[2], actor, st[3]); err != nil {
			return err
		}
	}
	return nil
}
