package api_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/partnership"
	"github.com/piazza-pa/piazza/modules/proposal"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// marker is put in every field that is not public; no public answer may
// hold it.
const marker = "SEGRETO7f3a"

var idRE = regexp.MustCompile(`/(?:proposals|news)/(?:interests/)?(\d+)`)

// proposalForm is a valid proposal's form with more over it.
func proposalForm(title string, more url.Values) url.Values {
	f := url.Values{"title": {title}, "summary": {"In breve"}, "body": {"Cerchiamo partner."}, "offer": {"Un laboratorio"},
		"expected": {"Competenze"}, "kind": {"technology"}, "trl": {"4"}, "ip_status": {"pending"}, "themes": {"health"},
		"countries": {"IT"}, "languages": {"it"}, "language": {"it"}, "scope_kind": {"tenant"}, "action": {"publish"}}
	for k, v := range more {
		f[k] = v
	}
	return f
}

// post creates an item of kind ("proposals", "news") as b and returns
// its id.
func post(t *testing.T, b *moduletest.Browser, kind string, form url.Values) string {
	t.Helper()
	res, body := b.Post(alpha+"/"+kind+"/new", alpha+"/"+kind, form)
	if res.StatusCode != 303 {
		t.Fatalf("create %s %q: %d %.300s", kind, form.Get("title"), res.StatusCode, body)
	}
	return idRE.FindStringSubmatch(res.Header.Get("Location"))[1]
}

// TestDocument: the OpenAPI document is valid (kin-openapi), names the
// themes and kinds the lists take, and is served with the site's own
// address as its server, whatever host headers a proxy or an attacker
// adds.
func TestDocument(t *testing.T) {
	generous(t)
	s := loadSpec(t)
	enum := func(param string) []string {
		var out []string
		for _, v := range s.doc.Components.Parameters[param].Value.Schema.Value.Enum {
			out = append(out, v.(string))
		}
		return out
	}
	if got := enum("theme"); !slices.Equal(got, taxonomy.Themes) {
		t.Errorf("the document's themes %v, the site's %v", got, taxonomy.Themes)
	}
	kinds := func(path string) []string {
		for _, p := range s.doc.Paths.Value(path).Get.Parameters {
			if p.Value.Name == "kind" {
				var out []string
				for _, v := range p.Value.Schema.Value.Enum {
					out = append(out, v.(string))
				}
				return out
			}
		}
		return nil
	}
	if !slices.Equal(kinds("/proposals"), proposal.Kinds) || !slices.Equal(kinds("/partnerships"), partnership.Kinds) {
		t.Errorf("the document's kinds differ from the lists': %v %v", kinds("/proposals"), kinds("/partnerships"))
	}
	w := moduletest.New(t)
	c := newClient(t, w, s, "")
	c.headers.Set("X-Forwarded-Host", "evil.example")
	c.headers.Set("Forwarded", "host=evil.example;proto=https")
	r := c.get(alpha + "/api/v1/openapi.json")
	var doc struct {
		OpenAPI string
		Servers []struct{ URL string }
	}
	r.JSON(t, &doc)
	if r.Code != 200 || len(doc.Servers) != 1 || doc.Servers[0].URL != alpha+"/api/v1" || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("served document: %d %+v", r.Code, doc)
	}
}

// TestPublicData: the lists and items answer what a visitor's pages show
// — public published proposals and news, open and reserved communities,
// validated organisations — to a guest and to a token alike, as JSON and
// CSV; a secret marker in every field of scoped, draft or unvalidated
// items, of expressions of interest, of closed communities, of
// organisations' contacts and of members' e-mail addresses is in no
// answer; stored-XSS payloads come back verbatim as JSON data.
func TestPublicData(t *testing.T) {
	generous(t)
	s := loadSpec(t)
	w := moduletest.New(t)
	validator, bruno := w.Browser(t, alpha, "validator"), w.Browser(t, alpha, "bruno")
	anna := w.Browser(t, alpha, "anna")
	token := newToken(t, anna, alpha, "lettura", "read")

	payloads := webtest.Payloads[:6]
	public := map[string]string{} // id → payload
	for i, p := range payloads {
		id := post(t, validator, "proposals", proposalForm(fmt.Sprintf("%02d %s", i, p), url.Values{"summary": {p}, "public": {"1"}}))
		public[id] = p
	}
	hidden := url.Values{"summary": {marker}, "body": {marker}, "offer": {marker}, "expected": {marker}}
	scoped := post(t, validator, "proposals", proposalForm("Interna "+marker, hidden))
	draft := post(t, validator, "proposals", proposalForm("Bozza "+marker, merge(hidden, url.Values{"public": {"1"}, "action": {"save"}})))
	var first string
	for id := range public {
		first = id
		break
	}
	if res, body := bruno.Post(alpha+"/proposals/"+first+"/interest", alpha+"/proposals/"+first+"/interest",
		url.Values{"offer": {"Offerta " + marker}, "role": {"Ruolo " + marker}, "action": {"submit"}}); res.StatusCode != 303 {
		t.Fatalf("bruno's expression: %d %.300s", res.StatusCode, body)
	}
	news := post(t, validator, "news", url.Values{"title": {"Notizia pubblica"}, "summary": {"Per tutti"}, "body": {"Testo"},
		"language": {"it"}, "scope_kind": {"tenant"}, "public": {"1"}, "action": {"publish"}})
	inner := post(t, validator, "news", url.Values{"title": {"Notizia " + marker}, "summary": {marker}, "body": {marker},
		"language": {"it"}, "scope_kind": {"tenant"}, "action": {"publish"}})
	for _, g := range []url.Values{{"name": {"Comunità aperta"}, "kind": {"open"}, "description": {"Aperta a tutti"}},
		{"name": {"Chiusa " + marker}, "kind": {"closed"}, "description": {marker}}} {
		if code, _ := validator.Send(alpha+"/communities/new", alpha+"/communities", g); code != 303 {
			t.Fatalf("community %s: %d", g.Get("name"), code)
		}
	}
	exec(t, w, `INSERT INTO organizations (name, email, phone, legal_representative, state, website)
		VALUES ('Officina Pubblica', 'officina-`+marker+`@example.org', '`+marker+`', 'Rappresentante `+marker+`', 'validated', 'https://officina.example.org'),
		('Nascosta `+marker+`', '', '', '', 'to_validate', '')`)
	exec(t, w, `UPDATE users SET email = replace(email, '@', '-`+marker+`@')`)

	guest, member := newClient(t, w, s, ""), newClient(t, w, s, token)
	lists := []string{"/proposals", "/partnerships", "/news", "/communities", "/organizations"}
	items := []string{"/news/" + news}
	for id := range public {
		items = append(items, "/proposals/"+id)
	}
	for _, c := range []*client{guest, member} {
		for _, l := range lists {
			for _, q := range []string{"", "?format=csv", "?limit=100"} {
				r := c.get(alpha + "/api/v1" + l + q)
				if r.Code != 200 {
					t.Errorf("%s%s: %d %.200s", l, q, r.Code, r.Body)
				}
				clean(t, l+q, r)
			}
		}
		for _, p := range items {
			r := c.get(alpha + "/api/v1" + p)
			if r.Code != 200 {
				t.Errorf("%s: %d %.200s", p, r.Code, r.Body)
			}
			clean(t, p, r)
		}
		for _, p := range []string{"/proposals/" + scoped, "/proposals/" + draft, "/news/" + inner} {
			if r := c.get(alpha + "/api/v1" + p); r.Code != 404 {
				t.Errorf("%s (not public): %d", p, r.Code)
			} else if code, _ := r.Problem(t); code != "not_found" {
				t.Errorf("%s: error %s", p, code)
			}
		}
	}

	// What the pages show a visitor is what the lists hold.
	var props struct {
		Data []struct {
			ID             int64
			Title, Summary string
		}
	}
	r := guest.get(alpha + "/api/v1/proposals?limit=100")
	r.JSON(t, &props)
	if len(props.Data) != len(public) {
		t.Errorf("%d public proposals listed, want %d", len(props.Data), len(public))
	}
	for _, p := range props.Data {
		want := public[fmt.Sprint(p.ID)]
		if p.Summary != want || !strings.HasSuffix(p.Title, " "+want) {
			t.Errorf("proposal %d came back altered: %q %q, want %q", p.ID, p.Title, p.Summary, want)
		}
	}
	if strings.Contains(string(r.Body), "<script") || strings.Contains(string(r.Body), "<img") {
		t.Error("markup left unescaped in the JSON")
	}
	var groups struct{ Data []struct{ Name, Kind string } }
	guest.get(alpha+"/api/v1/communities").JSON(t, &groups)
	if len(groups.Data) != 1 || groups.Data[0].Name != "Comunità aperta" {
		t.Errorf("communities: %+v", groups.Data)
	}
	var orgs struct {
		Data []struct{ Name, Website string }
	}
	guest.get(alpha+"/api/v1/organizations").JSON(t, &orgs)
	if len(orgs.Data) != 1 || orgs.Data[0].Name != "Officina Pubblica" || orgs.Data[0].Website == "" {
		t.Errorf("organisations: %+v", orgs.Data)
	}
	// Partnership profiles are members' reading: a visitor sees none.
	exec(t, w, `INSERT INTO partnerships (reference, kind, title, summary, source_hash, published_at, state)
		VALUES ('TOIT20260101001', 'technology_offer', 'Profilo `+marker+`', '`+marker+`', 'x', now(), 'published')`)
	var profiles struct{ Data []any }
	member.get(alpha+"/api/v1/partnerships").JSON(t, &profiles)
	if len(profiles.Data) != 0 {
		t.Errorf("a profile that is not public is listed: %+v", profiles.Data)
	}
	pid := query[int64](t, w, "alpha", "SELECT id FROM partnerships WHERE reference = 'TOIT20260101001'")
	if r := guest.get(fmt.Sprintf("%s/api/v1/partnerships/%d", alpha, pid)); r.Code != 404 {
		t.Errorf("a profile that is not public: %d", r.Code)
	}
	// As an import would store them, payloads come back as they were.
	exec(t, w, "UPDATE partnerships SET public = true, title = ?, summary = ?", payloads[1], payloads[2])
	var shown struct {
		Data []struct{ Title, Summary string }
	}
	member.get(alpha+"/api/v1/partnerships").JSON(t, &shown)
	if len(shown.Data) != 1 || shown.Data[0].Title != payloads[1] || shown.Data[0].Summary != payloads[2] {
		t.Errorf("a public profile: %+v", shown.Data)
	}
	if r := guest.get(fmt.Sprintf("%s/api/v1/partnerships/%d", alpha, pid)); r.Code != 200 {
		t.Errorf("a public profile: %d", r.Code)
	}
}

// clean fails when an answer holds the marker or an e-mail address.
func clean(t *testing.T, what string, r reply) {
	t.Helper()
	body := string(r.Body)
	if strings.Contains(body, marker) || strings.Contains(body, "@alpha.example") || strings.Contains(body, "@example.org") {
		t.Errorf("%s leaks what is not public: %.500s", what, body)
	}
}

func merge(a, b url.Values) url.Values {
	out := url.Values{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
