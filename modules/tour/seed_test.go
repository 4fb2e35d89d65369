package tour_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/operator"
)

const alpha = moduletest.Alpha

// Operator signs in to the console at this host.
const (
	console       = "http://admin.piazza.test"
	operatorEmail = "ops@regione.example.it"
	operatorPass  = "password dell'operatore"
)

var idRE = regexp.MustCompile(`/(\d+)(?:\?|$|#)`)

// seeded are the ids of what the tour visits.
type seeded struct {
	News, PublicNews, Mine, Discussion, Open, Closed, Organization, Anna, Bruno string
	// Proposal is Anna's, with Bruno's expression of Interest in it.
	Proposal, Interest string
}

// seed writes, through the pages people use, one of each thing the tour
// visits, and makes an operator.
func seed(t *testing.T, w *moduletest.World) seeded {
	t.Helper()
	admin := w.Browser(t, alpha, "admin")
	validator := w.Browser(t, alpha, "validator")
	anna := w.Browser(t, alpha, "anna")
	var s seeded
	s.Open = create(t, admin, "/communities", url.Values{"name": {"Agricoltura sostenibile"}, "kind": {"open"},
		"description": {"Orti urbani, filiera corta e suolo: chi coltiva in città si incontra qui."}})
	s.Closed = create(t, admin, "/communities", url.Values{"name": {"Tavolo tecnico regionale"}, "kind": {"closed"}})
	s.PublicNews = create(t, validator, "/news", url.Values{"title": {"Bando per l'innovazione nei comuni"}, "language": {"it"},
		"scope_kind": {"tenant"}, "public": {"1"}, "action": {"publish"},
		"body": {"Il bando sostiene progetti di innovazione digitale dei comuni lombardi, con contributi fino a 50.000 euro."}})
	s.News = create(t, validator, "/news", url.Values{"title": {"Incontro dei facilitatori"}, "language": {"it"},
		"scope_kind": {"tenant"}, "action": {"publish"}, "body": {"Il prossimo incontro si terrà in sala consiliare."}})
	s.Mine = create(t, anna, "/news", url.Values{"title": {"Orti urbani in piazza"}, "language": {"it"}, "scope_kind": {"tenant"},
		"action": {"submit"}, "body": {"Dieci nuovi appezzamenti per coltivare zucchine e pomodori."}})
	s.Discussion = create(t, validator, "/discussions", url.Values{"title": {"Quali priorità per il 2027?"}, "language": {"it"},
		"scope_kind": {"tenant"}, "action": {"publish"}, "body": {"Proponete i progetti che vi stanno a cuore."}})
	if code, _ := anna.Send(alpha+"/discussions/"+s.Discussion, alpha+"/comments/discussion/"+s.Discussion,
		url.Values{"body": {"Più piste ciclabili tra i comuni vicini."}}); code != 303 {
		t.Fatalf("comment: %d", code)
	}
	s.Organization = create(t, anna, "/organizations", url.Values{"name": {"Ciclofficina Popolare"},
		"description": {"Ripariamo biciclette e insegniamo a farlo."}})
	s.Anna = strconv.FormatInt(w.ID("alpha", "anna"), 10)
	s.Bruno = strconv.FormatInt(w.ID("alpha", "bruno"), 10)
	bruno := w.Browser(t, alpha, "bruno")
	if code, body := bruno.Send(alpha+"/people/"+s.Anna, alpha+"/people/"+s.Anna+"/contact",
		url.Values{"message": {"Buongiorno, possiamo sentirci per il progetto sugli orti?"}}); code != 303 {
		t.Fatalf("contact: %d %.300s", code, body)
	}
	s.Proposal, s.Interest = proposal(t, w, anna, validator, bruno)
	if _, err := operator.Create(context.Background(), w.DB.DB, operatorEmail, "Ops", operatorPass); err != nil {
		t.Fatal(err)
	}
	return s
}

// create posts form to path (from path/new) and returns the new id.
func create(t *testing.T, b *moduletest.Browser, path string, form url.Values) string {
	t.Helper()
	res, body := b.Post(alpha+path+"/new", alpha+path, form)
	m := idRE.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != 303 || m == nil {
		t.Fatalf("create %s %q: %d %s %.300s", path, form.Get("title")+form.Get("name"), res.StatusCode, res.Header.Get("Location"), body)
	}
	return m[1]
}

// proposal has Anna write a proposal on telemedicine that the validator
// approves, Bruno express his interest in it, and Carla fill a profile
// that its matching panel suggests; it returns the ids of the proposal
// and of the expression.
func proposal(t *testing.T, w *moduletest.World, anna, validator, bruno *moduletest.Browser) (string, string) {
	t.Helper()
	id := create(t, anna, "/proposals", url.Values{"title": {"Telemedicina nei comuni di montagna"}, "language": {"it"}, "scope_kind": {"tenant"},
		"summary": {"Visite a distanza e monitoraggio dei pazienti cronici nelle valli."}, "body": {"Cerchiamo partner per la telemedicina."},
		"offer": {"Una piattaforma di televisita."}, "expected": {"Dispositivi medici connessi."}, "kind": {"technology"}, "trl": {"6"},
		"ip_status": {"none"}, "themes": {"health"}, "countries": {"IT"}, "languages": {"it"}, "action": {"submit"}})
	if code, _ := validator.Send(alpha+"/proposals/"+id, alpha+"/proposals/"+id+"/do/approve", nil); code != 303 {
		t.Fatalf("approve the proposal: %d", code)
	}
	res, body := bruno.Post(alpha+"/proposals/"+id+"/interest", alpha+"/proposals/"+id+"/interest",
		url.Values{"offer": {"Sensori per il monitoraggio a domicilio."}, "role": {"Partner tecnologico"}, "action": {"submit"}})
	m := idRE.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != 303 || m == nil {
		t.Fatalf("express interest: %d %.300s", res.StatusCode, body)
	}
	if code, body := w.Browser(t, alpha, "carla").Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {"Carla"}, "themes": {"health"},
		"competencies": {"telemedicina, cartella clinica elettronica"}, "notify_frequency": {"daily"}}); code != 303 {
		t.Fatalf("Carla's profile: %d %.300s", code, body)
	}
	return id, m[1]
}
