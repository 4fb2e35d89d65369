package main

import (
	"fmt"
	"time"
)

// The descriptions of seeded expenses, in Italian as on the invoices and
// pay slips they stand for, made of the words the rest of the seed uses:
// people's names, towns, nouns with an adjective that agrees.

// Words of the expenses' descriptions.
var (
	monthNames = words(`gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre`)
	quarters   = words(`primo secondo terzo quarto`)
	staffWork  = words(`Stipendio_di Assegno_di_ricerca_di Ore_di_ricerca_di Contratto_di_collaborazione_di Ore_di_coordinamento_di`)
	equipment  = words(`il_sensore il_robot il_software il_drone la_batteria il_prototipo la_macchina il_veicolo la_bicicletta il_satellite`)
	meetings   = words(`il_seminario il_convegno il_workshop la_giornata l'incontro il_tavolo l'evento`)
	services   = words(`il_monitoraggio la_valutazione il_portale l'applicazione la_certificazione il_design la_formazione
		il_prototipo l'algoritmo il_modello la_logistica`)
	labs        = words(`il_laboratorio il_prototipo il_sensore la_coltivazione il_monitoraggio`)
	trips       = []string{"Trasferta a %s per %s", "Treno e albergo a %s per %s", "Viaggio a %s per %s"}
	creditNotes = []string{"Nota di credito su «%s»", "Storno parziale di «%s»", "Rettifica dell'importo di «%s»"}
)

// expenseText is the description of an expense of category spent on day.
func (s *seeder) expenseText(category string, on time.Time) string {
	w := s.it
	month := fmt.Sprintf("%s %d", monthNames[on.Month()-1], on.Year())
	switch category {
	case "personnel":
		return fmt.Sprintf("%s %s %s, %s", w.pick(staffWork), w.pick(givenNames), w.pick(familyNames), month)
	case "equipment":
		n := w.pick(equipment)
		return fmt.Sprintf("Fornitura: %s %s (%d unità)", bareNoun(n), agree(w.pick(w.v.adjectives), n), 1+s.rng.IntN(24))
	case "travel":
		return fmt.Sprintf(w.pick(trips), w.pick(towns), w.phraseOf(meetings))
	case "subcontracting":
		n := w.pick(services)
		return fmt.Sprintf("Incarico esterno: %s %s, %s %s", bareNoun(n), agree(w.pick(w.v.adjectives), n), w.pick(familyNames), w.pick(legalForms[:2]))
	case "indirect":
		return fmt.Sprintf("Costi indiretti forfettari (25%%), %s trimestre %d", quarters[(on.Month()-1)/3], on.Year())
	}
	switch s.rng.IntN(4) {
	case 0:
		return "Materiale di consumo per " + w.phraseOf(labs)
	case 1:
		return "Stampa dei materiali per " + w.phraseOf(meetings)
	case 2:
		return "Pubblicazione in accesso aperto: " + w.title()
	}
	return "Licenze software, " + month
}

// phraseOf is one of nouns (with its article) and an adjective that
// agrees with it: "la giornata regionale".
func (w *writer) phraseOf(nouns []string) string {
	n := w.pick(nouns)
	return n + " " + agree(w.pick(w.v.adjectives), n)
}
