package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/taxid"
)

// demoPeople are the demo tenant's members: name, e-mail's local part,
// language, themes, competencies, bio.
var demoPeople = []struct{ name, mail, lang, themes, skills, bio string }{
	{"Giulia Bianchi", "giulia.bianchi", "it", "health,smart_communities", "telemedicina, sanità digitale", "Responsabile innovazione in un'azienda sanitaria lombarda."},
	{"Marco Colombo", "marco.colombo", "it", "aerospace,advanced_manufacturing", "materiali compositi, collaudo", "Ingegnere aerospaziale, lavora su componenti per satelliti."},
	{"Francesca Ricci", "francesca.ricci", "it", "agrifood,eco_industries", "agricoltura di precisione, filiera corta", "Agronoma, segue progetti di agricoltura 4.0 in Lomellina."},
	{"Luca Ferrari", "luca.ferrari", "it", "sustainable_mobility,smart_communities", "mobilità ciclabile, GIS", "Pianificatore dei trasporti per un'agenzia metropolitana."},
	{"Chiara Romano", "chiara.romano", "it", "creative_cultural", "valorizzazione del patrimonio, design", "Curatrice e progettista culturale."},
	{"Alessandro Greco", "alessandro.greco", "it", "advanced_manufacturing,eco_industries", "robotica, economia circolare", "Direttore tecnico di una PMI meccanica."},
	{"Sara Conti", "sara.conti", "it", "health", "dispositivi medici, regolatorio", "Consulente per la certificazione di dispositivi medici."},
	{"Davide Marino", "davide.marino", "it", "smart_communities,sustainable_mobility", "open data, servizi digitali", "Funzionario comunale per la transizione digitale."},
	{"Emma Walker", "emma.walker", "en", "aerospace,sustainable_mobility", "EU funding, project management", "Project manager at a European research consortium."},
	{"Thomas Müller", "thomas.mueller", "en", "eco_industries,agrifood", "water treatment, bioeconomy", "Researcher in bio-based materials, visiting from Munich."},
	{"Laura Gallo", "laura.gallo", "it", "creative_cultural,smart_communities", "turismo culturale, comunicazione", "Comunicatrice per un distretto culturale."},
	{"Paolo Costa", "paolo.costa", "it", "agrifood,health", "nutrizione, sicurezza alimentare", "Tecnologo alimentare in una cooperativa casearia."},
}

// demoOrganizations: name, VAT digits without the check digit, legal
// form, themes, competencies, office.
var demoOrganizations = []struct{ name, vat, form, themes, skills, office string }{
	{"Aerospazio Insubria S.p.A.", "0213456701", "spa", "aerospace,advanced_manufacturing", "strutture in composito, test di vibrazione", "Via dell'Aeroporto 12, Varese"},
	{"AgriTech Lomellina Soc. Coop.", "0312457802", "cooperative", "agrifood,eco_industries", "sensori in campo, irrigazione", "Strada Vigevanese 4, Mortara (PV)"},
	{"Ospedale Digitale Brianza", "0412458903", "public_body", "health", "telemedicina, cartella clinica", "Via Manzoni 20, Monza"},
	{"Officine Circolari S.r.l.", "0512459004", "srl", "eco_industries,advanced_manufacturing", "riciclo dei metalli, LCA", "Via Industria 8, Lecco"},
	{"Fondazione Cultura Mantova", "0612450105", "foundation", "creative_cultural", "mostre, digitalizzazione", "Piazza Sordello 1, Mantova"},
	{"MobilityLab Milano S.r.l.", "0712451206", "srl", "sustainable_mobility,smart_communities", "sharing, dati di mobilità", "Viale Monza 100, Milano"},
	{"Politecnico delle Prealpi", "0812452307", "university", "aerospace,health,advanced_manufacturing", "ricerca applicata, trasferimento tecnologico", "Via Ravasi 2, Varese"},
	{"European Bioeconomy Network", "0912453408", "association", "eco_industries,agrifood", "EU projects, bioeconomy", "Rue de la Loi 42, Bruxelles"},
}

// demoCommunities: name, kind, theme, description, members (indexes of
// demoPeople; the first is the manager).
var demoCommunities = []struct {
	name, kind, theme, desc string
	members                 []int
}{
	{"Spazio Lombardia", "open", "aerospace", "Imprese, centri di ricerca e amministrazioni della filiera aerospaziale.", []int{1, 8, 5}},
	{"Filiera agroalimentare sostenibile", "open", "agrifood", "Dal campo alla tavola: innovazione, qualità e filiera corta.", []int{2, 11, 9}},
	{"Economia circolare", "reserved", "eco_industries", "Scambio di pratiche e progetti su materiali, rifiuti e riuso.", []int{5, 9, 2}},
	{"Cultura e creatività", "open", "creative_cultural", "Patrimonio, industrie creative e turismo culturale.", []int{4, 10}},
	{"Sanità digitale", "reserved", "health", "Telemedicina, dati sanitari e dispositivi medici.", []int{0, 6, 11}},
	{"Manifattura 4.0", "open", "advanced_manufacturing", "Robotica, automazione e competenze per la fabbrica intelligente.", []int{5, 1}},
	{"Mobilità sostenibile", "open", "sustainable_mobility", "Ciclabilità, trasporto pubblico e logistica urbana.", []int{3, 7, 8}},
	{"Smart communities", "closed", "smart_communities", "Tavolo riservato dei comuni sulla transizione digitale.", []int{7, 3, 0}},
}

// demoNews: title, summary, body, scope (tenant, or a community's index).
var demoNews = []struct {
	title, summary, body string
	community            int
}{
	{"Aperto il bando per la telemedicina", "Contributi alle aziende sanitarie per servizi di televisita.",
		"La Regione apre un bando per finanziare progetti di telemedicina nelle aziende sanitarie.\n\nLe domande si presentano entro 60 giorni.", -1},
	{"Open call: space components testing", "A shared facility for vibration tests opens to SMEs.",
		"The consortium opens its vibration test facility to small companies in the aerospace supply chain.", 0},
	{"Incontro sulla filiera corta", "Produttori e mense scolastiche a confronto.",
		"Un pomeriggio di lavoro tra produttori agricoli e responsabili delle mense scolastiche.", 1},
	{"Piano ciclabile metropolitano: la consultazione", "I cittadini possono commentare i nuovi tracciati.",
		"È aperta la consultazione pubblica sul piano ciclabile dell'area metropolitana.", 6},
	{"Verbale del tavolo dei comuni", "Sintesi della riunione di ottobre.",
		"I comuni hanno condiviso i progressi nella migrazione dei servizi al cloud.", 7},
}

// pgArray turns a separated list into a PostgreSQL array literal.
func pgArray(s, sep string) string {
	var out []string
	for _, v := range strings.Split(s, sep) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, `"`+strings.ReplaceAll(v, `"`, ``)+`"`)
		}
	}
	return "{" + strings.Join(out, ",") + "}"
}

// vatFrom completes ten digits with the check digit that makes a valid VAT number.
func vatFrom(ten string) string {
	for d := '0'; d <= '9'; d++ {
		if v, err := taxid.VAT(ten + string(d)); err == nil {
			return v
		}
	}
	return ""
}

// langOf is the language of a demo title (the English ones start with "Open").
func langOf(title string) string {
	if strings.HasPrefix(title, "Open") {
		return "en"
	}
	return "it"
}

// demoPictureColours tint the demo news' pictures.
var demoPictureColours = []color.RGBA{{0, 102, 204, 255}, {0, 140, 110, 255}, {200, 90, 20, 255}, {120, 60, 160, 255}, {180, 30, 60, 255}}

// demoPicture attaches a drawn picture (a gradient with a band) to news
// item id and makes it the item's picture.
func demoPicture(ctx context.Context, tx bun.Tx, store storage.Store, slug string, id, author int64, i int) error {
	c := demoPictureColours[i%len(demoPictureColours)]
	img := image.NewRGBA(image.Rect(0, 0, 640, 360))
	for y := range 360 {
		for x := range 640 {
			f := float64(x) / 640
			px := color.RGBA{uint8(float64(c.R) * (1 - f/2)), uint8(float64(c.G) * (1 - f/2)), uint8(float64(c.B) * (1 - f/2)), 255}
			if y > 240 && y < 270 {
				px = color.RGBA{255, 255, 255, 255}
			}
			img.Set(x, y, px)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	a := &attachment.Attachment{ContentType: "news", ItemID: id, Name: fmt.Sprintf("immagine-%d.png", i+1), UploadedBy: &author}
	if err := attachment.Add(ctx, tx, store, slug, a, "image/png", &buf); err != nil {
		return fmt.Errorf("demo picture: %w", err)
	}
	_, err := tx.ExecContext(ctx, "UPDATE news SET image_id = ? WHERE id = ?", a.ID, id)
	return err
}
