package main

import "strings"

// vocabulary is the words one language's seeded text is made of. Nouns
// carry their article and come in order of frequency: the generator draws
// them on a Zipf curve, so that the first ones are in thousands of items
// and the last in a few dozen.
type vocabulary struct {
	nouns, adjectives, verbs, links []string
	// rare are words each seeded item mentions seldom (a place, a technical
	// term): a search for one finds a handful of items.
	rare []string
	// roles are the parts a respondent offers to play in a proposal.
	roles []string
}

// words splits a space-separated list; "_" stands for a space inside an
// entry.
func words(s string) []string {
	f := strings.Fields(s)
	for i, w := range f {
		f[i] = strings.ReplaceAll(w, "_", " ")
	}
	return f
}

var italian = vocabulary{
	nouns: words(`il_progetto l'innovazione la_ricerca l'impresa il_territorio il_comune la_comunità il_servizio
		la_filiera la_rete la_piattaforma il_bando lo_sviluppo la_formazione la_tecnologia l'energia la_mobilità
		la_salute la_sostenibilità il_finanziamento l'università il_laboratorio la_startup il_distretto il_cittadino
		la_competenza il_partenariato la_proposta l'opportunità il_dato la_transizione l'infrastruttura il_mercato
		l'amministrazione la_regione il_cluster il_consorzio la_collaborazione l'agricoltura la_manifattura il_turismo
		la_cultura la_scuola l'ospedale la_biblioteca il_museo il_porto la_ferrovia il_quartiere la_valle il_lago
		la_montagna il_fiume la_città l'azienda la_cooperativa la_fondazione l'associazione il_volontariato il_brevetto
		il_prototipo il_prodotto il_processo la_soluzione la_strategia il_piano il_programma il_percorso l'evento
		il_seminario il_convegno il_workshop la_giornata l'incontro il_tavolo il_gruppo la_squadra il_metodo il_modello
		l'algoritmo il_sensore il_robot il_software l'applicazione il_portale il_sistema la_misura l'indicatore
		il_monitoraggio la_valutazione il_risultato l'impatto il_bilancio la_spesa l'investimento il_contributo il_premio
		la_sfida il_concorso la_candidatura il_requisito la_scadenza la_domanda la_graduatoria l'accordo la_convenzione
		il_protocollo il_regolamento la_norma la_certificazione la_qualità la_sicurezza la_privacy l'accessibilità
		l'inclusione la_parità il_lavoro l'occupazione il_talento il_giovane la_donna l'anziano la_famiglia il_paziente
		il_medico l'infermiere la_cura la_prevenzione la_telemedicina il_farmaco il_vaccino la_diagnosi l'acqua l'aria
		il_suolo il_bosco il_rifiuto il_riciclo l'economia la_bioeconomia il_clima l'emissione il_carbonio l'idrogeno
		il_fotovoltaico la_batteria il_veicolo la_bicicletta il_treno l'autobus la_logistica il_magazzino la_consegna
		il_cibo il_vino il_formaggio il_riso il_latte l'allevamento la_coltivazione il_raccolto il_design la_moda
		il_tessile il_mobile l'artigianato la_musica il_teatro il_cinema il_videogioco il_patrimonio l'archivio
		il_satellite il_drone l'aereo lo_spazio il_materiale la_stampa_3D la_fabbrica la_macchina l'automazione`),
	adjectives: words(`regionale digitale sostenibile locale nazionale europeo innovativo pubblico aperto condiviso
		intelligente circolare verde sociale culturale creativo industriale agricolo sanitario urbano rurale alpino
		lombardo nuovo comune efficiente accessibile inclusivo sperimentale strategico territoriale internazionale
		energetico ambientale scientifico tecnologico avanzato integrato collaborativo partecipato responsabile`),
	verbs: words(`sostiene promuove favorisce avvia presenta coinvolge finanzia rafforza sviluppa accompagna
		migliora collega valorizza misura apre propone racconta premia seleziona organizza ospita cerca offre
		semplifica accelera protegge rinnova costruisce condivide sperimenta raccoglie`),
	links: words(`per con tra verso oltre secondo attraverso`),
	rare: words(`Bormio Chiavenna Livigno Sondrio Morbegno Tirano Edolo Breno Clusone Lovere Iseo Salò Desenzano
		Sirmione Mantova Sabbioneta Viadana Cremona Crema Soresina Lodi Codogno Pavia Vigevano Voghera Mortara Varzi
		Abbiategrasso Legnano Magenta Rho Monza Vimercate Seregno Lecco Merate Erba Como Cantù Menaggio Varese
		Gallarate Saronno Luino Busto Bergamo Treviglio Brescia Chiari Gardone Ponte_di_Legno Valtellina Valcamonica
		Franciacorta Oltrepò Lomellina Brianza geotermia biochar idroponica fotonica esoscheletro microalghe
		agrivoltaico gemello_digitale blockchain nanomateriali biopolimeri grafene lidar criogenia bioreattore
		aptamero metamateriale teleriscaldamento fitodepurazione acquaponica compostaggio pirolisi elettrolizzatore
		perovskite sinterizzazione cobot biobanca metagenomica proteomica radioterapia adroterapia neuroprotesi
		biosensore microfluidica spettrometria interferometro magnetometro sismografo pluviometro idrovora chiusa
		vendemmia casaro malga transumanza pizzocchero bitto taleggio gorgonzola risotto mostarda torrone liuteria`),
	roles: words(`Partner_tecnologico Partner_di_ricerca Capofila Utente_finale Fornitore Sito_di_sperimentazione
		Consulente Cofinanziatore Laboratorio_di_prova Partner_industriale`),
}

var english = vocabulary{
	nouns: words(`project innovation research business region network platform service community data funding
		startup university laboratory skill partnership proposal opportunity transition infrastructure market
		administration cluster consortium collaboration agriculture manufacturing tourism culture school hospital
		library museum city company cooperative foundation association patent prototype product process solution
		strategy plan programme event seminar conference workshop meeting team method model algorithm sensor robot
		software application portal system measure indicator assessment result impact budget investment grant award
		challenge competition call deadline agreement regulation standard certification quality security privacy
		accessibility inclusion employment talent family patient care prevention telemedicine diagnosis water air
		soil forest waste recycling economy climate emission carbon hydrogen battery vehicle bicycle train logistics
		delivery food wine design fashion textile craft music theatre cinema heritage archive satellite drone space
		material factory machine automation`),
	adjectives: words(`regional digital sustainable local national european innovative public open shared smart
		circular green social cultural creative industrial agricultural urban rural alpine new common efficient
		accessible inclusive experimental strategic international environmental scientific advanced integrated
		collaborative responsible`),
	verbs: words(`supports promotes launches presents involves funds strengthens develops improves connects
		values measures opens proposes rewards selects organises hosts seeks offers simplifies accelerates protects
		renews builds shares tests gathers`),
	links: words(`for with across towards beyond through among`),
	rare:  italian.rare,
	roles: words(`Technology_partner Research_partner Lead_partner End_user Supplier Test_site Advisor Co-funder
		Testing_laboratory Industrial_partner`),
}

// Given names, family names and the competencies of seeded people.
var (
	givenNames = words(`Giulia Marco Francesca Luca Chiara Alessandro Sara Andrea Martina Matteo Valentina Davide
		Elena Simone Federica Stefano Alessia Paolo Silvia Giorgio Laura Roberto Anna Fabio Elisa Massimo Paola
		Lorenzo Ilaria Riccardo Giovanna Claudio Serena Daniele Monica Tommaso Beatrice Emanuele Cristina Filippo
		Veronica Nicola Roberta Antonio Barbara Giuseppe Marta Francesco Alice Michele Camilla Pietro Irene Carlo
		Sofia Giovanni Aurora Enrico Ludovica Mattia Ginevra Emma Oliver Hannah Thomas Amira Youssef Ana Miguel`)
	familyNames = words(`Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti
		De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara
		Galli Martini Leone Longo Gentile Martinelli Vitale Lombardo Serra Coppola De_Santis D'Angelo Marchetti
		Parisi Villa Conte Ferraro Ferri Fabbri Bianco Marini Grasso Valentini Messina Sala Gatti Pellegrini
		Palumbo Sanna Farina Rizzi Monti Cattaneo Morelli Amato Silvestri Mazza Testa Grassi Pellegrino Carbone
		Giuliani Benedetti Barone Rossetti Caputo Montanari Guerra Palmieri Bernardi Martino Fiore De_Rosa Ferretti
		Bellini Basile Riva Donati Piras Vitali Battaglia Sartori Neri Costantini Milani Pagano Ruggiero Sorrentino
		D'Amico Orlando Negri Brambilla Galbiati Pozzi Crippa Mauri Beretta Bonfanti Corti Redaelli`)
	competencies = words(`project_management analisi_dei_dati progettazione_europea data_science machine_learning
		GIS economia_circolare comunicazione marketing_territoriale sviluppo_software cybersecurity open_data
		design_dei_servizi fundraising diritto_amministrativo appalti_pubblici contabilità_pubblica
		trasferimento_tecnologico brevetti biotecnologie agronomia ingegneria_meccanica automazione_industriale
		robotica energie_rinnovabili efficienza_energetica mobilità_sostenibile logistica urbanistica architettura
		sanità_digitale telemedicina epidemiologia statistica formazione facilitazione co-design user_research
		accessibilità_web user_experience cloud DevOps intelligenza_artificiale blockchain IoT manifattura_additiva
		materiali_avanzati chimica_verde gestione_dei_rifiuti turismo_sostenibile beni_culturali
		editoria_digitale fotografia videomaking traduzione mediazione_culturale sviluppo_locale cooperazione
		internazionalizzazione finanza_agevolata business_planning startup_coaching`)
	towns = words(`Milano Bergamo Brescia Como Cremona Lecco Lodi Mantova Monza Pavia Sondrio Varese Busto_Arsizio
		Sesto_San_Giovanni Cinisello_Balsamo Legnano Gallarate Rho Vigevano Cologno_Monzese Seregno Desio Saronno
		Lissone Crema Voghera Treviglio Abbiategrasso Chiari Lumezzane Cantù Erba Merate Tirano Chiavenna Bormio`)
	legalForms = words(`S.r.l. S.p.A. Società_cooperativa Fondazione Associazione Ente_pubblico Consorzio S.r.l._SB`)
	categories = words(`Bandi Eventi Ricerca Comunicati Formazione Opportunità Territorio Imprese`)
)
