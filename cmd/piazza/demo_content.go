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

// seedDemoContent fills a new demo tenant with people, organisations,
// communities and news across the eight themes; it does nothing when the
// tenant has communities already.
func seedDemoContent(ctx context.Context, tx bun.Tx, store storage.Store, slug string, adminID int64) error {
	if n, err := tx.NewSelect().Table("communities").Count(ctx); err != nil || n > 0 {
		return err
	}
	people := make([]int64, len(demoPeople))
	for i, p := range demoPeople {
		err := tx.QueryRowContext(ctx, `INSERT INTO users (email, display_name, locale, status, email_verified_at)
			VALUES (?, ?, ?, 'active', now()) ON CONFLICT (lower(email)) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id`,
			p.mail+"@"+slug+".example.org", p.name, p.lang).Scan(&people[i])
		if err != nil {
			return fmt.Errorf("demo person: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO profiles (user_id, bio, themes, competencies, state) VALUES (?, ?, ?, ?, 'validated')`,
			people[i], p.bio, pgArray(p.themes, ","), pgArray(p.skills, ", ")); err != nil {
			return fmt.Errorf("demo profile: %w", err)
		}
	}
	for i, o := range demoOrganizations {
		vat := vatFrom(o.vat)
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO organizations (name, vat_number, fiscal_code, legal_form, operating_office, registered_office, themes, competencies, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.name, vat, vat, o.form, o.office, o.office,
			pgArray(o.themes, ","), pgArray(o.skills, ", "), people[i%len(people)]).Scan(&id)
		if err != nil {
			return fmt.Errorf("demo organisation: %w", err)
		}
		for j, p := range []int64{people[i%len(people)], people[(i+4)%len(people)]} {
			role := "referent"
			if j > 0 {
				role = "employee"
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO organization_members (organization_id, user_id, role, state) VALUES (?, ?, ?, 'active')", id, p, role); err != nil {
				return err
			}
		}
	}
	communities := make([]int64, len(demoCommunities))
	for i, c := range demoCommunities {
		if err := tx.QueryRowContext(ctx, `INSERT INTO communities (name, description, kind, themes, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			c.name, c.desc, c.kind, "{"+c.theme+"}", people[c.members[0]]).Scan(&communities[i]); err != nil {
			return fmt.Errorf("demo community: %w", err)
		}
		for j, m := range c.members {
			role := "participant"
			if j == 0 {
				role = "manager"
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO community_members (community_id, user_id, role, state) VALUES (?, ?, ?, 'active')", communities[i], people[m], role); err != nil {
				return err
			}
		}
		// The demo admin manages the first two and belongs to the closed one.
		if i < 2 || c.kind == "closed" {
			if _, err := tx.ExecContext(ctx, "INSERT INTO community_members (community_id, user_id, role, state) VALUES (?, ?, 'manager', 'active')", communities[i], adminID); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO communities (parent_id, name, description, kind, themes, created_by) VALUES (?, 'Vino e viticoltura', 'Sotto-community dei produttori vitivinicoli.', 'open', '{agrifood}', ?)`,
		communities[1], people[2]); err != nil {
		return err
	}
	// A request waiting for the demo admin's decision.
	if _, err := tx.ExecContext(ctx, "INSERT INTO community_members (community_id, user_id, role, state) VALUES (?, ?, 'participant', 'request_sent')", communities[1], people[4]); err != nil {
		return err
	}
	for i, n := range demoNews {
		kind, list, public := "tenant", "{}", n.community < 0
		author := people[i%len(people)]
		if n.community >= 0 {
			kind, list = "communities", fmt.Sprintf("{%d}", communities[n.community])
			author = people[demoCommunities[n.community].members[0]]
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO news (title, summary, body, language, state, author_id, scope_kind, scope_communities, public, published_at)
			VALUES (?, ?, ?, ?, 'published', ?, ?, ?, ?, now() - make_interval(days => ?)) RETURNING id`,
			n.title, n.summary, n.body, langOf(n.title), author, kind, list, public, i).Scan(&id)
		if err != nil {
			return fmt.Errorf("demo news: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO workflow_history (content_type, item_id, action, from_state, to_state, actor_id)
			VALUES ('news', ?, 'create', '', 'draft', ?), ('news', ?, 'publish', 'draft', 'published', ?)`, id, author, id, author); err != nil {
			return err
		}
		if err := demoPicture(ctx, tx, store, slug, id, author, i); err != nil {
			return err
		}
	}
	// Discussions with threaded replies.
	for i, d := range []struct{ title, body string }{
		{"Come usare i dati aperti della mobilità?", "Quali dataset vi servirebbero per progettare servizi di mobilità condivisa?"},
		{"Telemedicina nei piccoli comuni", "Esperienze e ostacoli nell'avviare la televisita fuori dai capoluoghi."},
	} {
		author := people[3+i*3]
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO discussions (title, body, language, state, author_id, scope_kind, published_at)
			VALUES (?, ?, 'it', 'published', ?, 'tenant', now() - make_interval(hours => ?)) RETURNING id`, d.title, "<p>"+d.body+"</p>", author, 3+i).Scan(&id)
		if err != nil {
			return fmt.Errorf("demo discussion: %w", err)
		}
		var first int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO comments (content_type, item_id, author_id, body) VALUES ('discussion', ?, ?, ?) RETURNING id`,
			id, people[7], "Servirebbero gli orari in tempo reale e le posizioni dei mezzi.").Scan(&first); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO comments (content_type, item_id, parent_id, author_id, body) VALUES ('discussion', ?, ?, ?, ?)`,
			id, first, author, "D'accordo: chiediamolo all'agenzia del trasporto pubblico."); err != nil {
			return err
		}
	}
	// One item waiting for a validator (the demo admin validates tenant-wide content).
	_, err := tx.ExecContext(ctx, `INSERT INTO news (title, summary, body, language, state, author_id, scope_kind)
		VALUES ('Nuovo sportello per le imprese innovative', 'Da gennaio un punto unico per le startup.', 'Il nuovo sportello aiuterà le imprese a orientarsi tra bandi e agevolazioni.', 'it', 'to_validate', ?, 'tenant')`, people[7])
	return err
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
