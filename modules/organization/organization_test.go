package organization_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/platform/setting"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, organization.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

var idRE = regexp.MustCompile(`/organizations/(\d+)`)

func create(t *testing.T, b *moduletest.Browser, form url.Values) string {
	t.Helper()
	res, body := b.Post(alpha+"/organizations/new", alpha+"/organizations", form)
	if res.StatusCode != 303 {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	return idRE.FindStringSubmatch(res.Header.Get("Location"))[1]
}

// TestLegalData: the VAT number and the fiscal code are checked by their
// Italian rules, and a refused form comes back with the messages by the
// fields and nothing recorded.
func TestLegalData(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	cases := []struct {
		vat, fiscal string
		code        int
		says        []string
	}{
		{"01114601007", "", 422, []string{`id="vat_number-error">Questa partita IVA non è valida: controlla le cifre.`}},
		{"0111460100", "", 422, []string{`id="vat_number-error">La partita IVA ha 11 cifre.`}},
		{"", "RSSMRA85T10A562T", 422, []string{`id="fiscal_code-error">Questo codice fiscale non è valido: controlla i caratteri.`}},
		{"", "RSSMRA85", 422, []string{`id="fiscal_code-error">Il codice fiscale ha 16 caratteri`}},
		{"12345678901", "ABC", 422, []string{`id="vat_number-error"`, `id="fiscal_code-error"`}},
	}
	for _, c := range cases {
		res, body := anna.Post(alpha+"/organizations/new", alpha+"/organizations", url.Values{"name": {"Officine Test"}, "vat_number": {c.vat}, "fiscal_code": {c.fiscal},
			"email": {"info@officine.example"}})
		if res.StatusCode != c.code {
			t.Errorf("%s/%s: %d", c.vat, c.fiscal, res.StatusCode)
		}
		for _, s := range c.says {
			if !strings.Contains(body, s) {
				t.Errorf("%s/%s: the page does not say %q", c.vat, c.fiscal, s)
			}
		}
		if !strings.Contains(body, `value="Officine Test"`) {
			t.Errorf("%s/%s: the form lost what was typed", c.vat, c.fiscal)
		}
	}
	res, body := anna.Post(alpha+"/organizations/new", alpha+"/organizations", url.Values{"name": {"X"}, "email": {"non-un-indirizzo"}, "website": {"javascript:alert(1)"}, "legal_form": {"mafia"}})
	for _, s := range []string{"Indica una denominazione da 2 a 200 caratteri.", "Indica un indirizzo e-mail valido.", "Indica un indirizzo che inizia con https://", "Scegli una forma giuridica dall&#39;elenco."} {
		if res.StatusCode != 422 || !strings.Contains(body, s) {
			t.Errorf("bad organisation: %d, lacks %q", res.StatusCode, s)
		}
	}
	var n int
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM organizations").Scan(&n)
	})
	if n != 0 {
		t.Fatalf("refused forms recorded %d organisations", n)
	}
	id := create(t, anna, url.Values{"name": {"Officine Test"}, "vat_number": {"IT 01114601006"}, "fiscal_code": {"01114601006"}, "legal_form": {"srl"},
		"website": {"https://officine.example"}, "themes": {"advanced_manufacturing"}, "competencies": {"saldatura, robotica"}})
	if _, page := anna.Get(alpha + "/organizations/" + id); !strings.Contains(page, "01114601006") || !strings.Contains(page, "S.r.l.") || !strings.Contains(page, "Manifatturiero avanzato") {
		t.Error("the organisation's page lacks its data")
	}
	res, body = anna.Post(alpha+"/organizations/new", alpha+"/organizations", url.Values{"name": {"Officine Copia"}, "vat_number": {"01114601006"}})
	if res.StatusCode != 422 || !strings.Contains(body, "Un&#39;organizzazione con questa partita IVA è già registrata.") {
		t.Errorf("a taken VAT number: %d", res.StatusCode)
	}
	// Only referents edit.
	bruno := w.Browser(t, alpha, "bruno")
	if code, _ := bruno.Get(alpha + "/organizations/" + id + "/edit"); code != 403 {
		t.Errorf("a stranger opens the edit form: %d", code)
	}
	if code, _ := bruno.Send(alpha+"/organizations", alpha+"/organizations/"+id+"/edit", url.Values{"name": {"Presa"}}); code != 403 {
		t.Errorf("a stranger edits: %d", code)
	}
	if code, _ := anna.Send(alpha+"/organizations", alpha+"/organizations/"+id+"/edit", url.Values{"name": {"Officine Test S.r.l."}, "vat_number": {"01114601006"}}); code != 303 {
		t.Errorf("the referent edits: %d", code)
	}
}

func TestPeopleAndValidation(t *testing.T) {
	w := moduletest.New(t)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return setting.SetBool(ctx, tx, setting.OrganizationValidation, true)
	})
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	carla := w.Browser(t, alpha, "carla")
	facilitator := w.Browser(t, alpha, "facilitator")
	id := create(t, anna, url.Values{"name": {"Cooperativa Sociale Test"}})
	if code, _ := bruno.Get(alpha + "/organizations/" + id); code != 404 {
		t.Errorf("an organisation waiting for validation is shown to others: %d", code)
	}
	if code, _ := anna.Send(alpha+"/organizations", alpha+"/organizations/"+id+"/validate", nil); code != 403 {
		t.Errorf("its creator validates it: %d", code)
	}
	if code, _ := facilitator.Send(alpha+"/organizations", alpha+"/organizations/"+id+"/validate", nil); code != 303 {
		t.Fatalf("the facilitator validates: %d", code)
	}
	// A request approved by the referent.
	if code, _ := bruno.Send(alpha+"/organizations", alpha+"/organizations/"+id+"/join", nil); code != 303 {
		t.Fatal(code)
	}
	if code, _ := bruno.Send(alpha+"/organizations", alpha+fmt.Sprintf("/organizations/%s/people/%d/approve", id, w.ID("alpha", "bruno")), nil); code != 403 {
		t.Errorf("the requester approves themselves: %d", code)
	}
	if code, _ := anna.Send(alpha+"/organizations", alpha+fmt.Sprintf("/organizations/%s/people/%d/approve", id, w.ID("alpha", "bruno")), nil); code != 303 {
		t.Fatal(code)
	}
	// An invitation accepted by the invitee.
	if code, _ := anna.Send(alpha+"/organizations", alpha+"/organizations/"+id+"/invite", url.Values{"email": {"carla@alpha.example"}}); code != 303 {
		t.Fatal(code)
	}
	if code, _ := anna.Send(alpha+"/organizations", alpha+"/organizations/"+id+"/invite", url.Values{"email": {"nessuno@alpha.example"}}); code != 422 {
		t.Errorf("invite an unknown address: %d", code)
	}
	if code, _ := carla.Send(alpha+"/organizations", alpha+"/organizations/"+id+"/accept", nil); code != 303 {
		t.Fatal(code)
	}
	_, page := w.Browser(t, alpha, "dario").Get(alpha + "/organizations/" + id)
	people := page[strings.Index(page, `id="people"`):]
	for _, who := range []string{"Anna", "Bruno", "Carla"} {
		if !strings.Contains(people, ">"+who+"<") {
			t.Errorf("%s is not among the organisation's people", who)
		}
	}
	// Affiliation shows on the profile.
	if _, page := w.Browser(t, alpha, "dario").Get(fmt.Sprintf("%s/people/%d", alpha, w.ID("alpha", "bruno"))); !strings.Contains(page, "Cooperativa Sociale Test") {
		t.Error("the profile does not show the affiliation")
	}
	if code, _ := anna.Send(alpha+"/organizations", alpha+"/organizations/"+id+"/leave", nil); code != 409 {
		t.Errorf("the last referent leaves: %d", code)
	}
	// Another tenant: 404 on every route.
	other := w.Browser(t, beta, "facilitator")
	for _, u := range []string{"/organizations/" + id, "/organizations/" + id + "/edit"} {
		if code, _ := other.Get(beta + u); code != 404 {
			t.Errorf("beta's member GET %s: %d", u, code)
		}
	}
	for _, u := range []string{"/join", "/leave", "/validate", "/reject", "/invite", "/accept", "/decline", "/edit",
		fmt.Sprintf("/people/%d/remove", w.ID("alpha", "bruno")), fmt.Sprintf("/people/%d/approve", w.ID("alpha", "bruno"))} {
		if code, _ := other.Send(beta+"/organizations", beta+"/organizations/"+id+u, url.Values{"email": {"anna@beta.example"}}); code != 404 && code != 409 {
			t.Errorf("beta's member POST %s: %d", u, code)
		}
	}
	if _, page := other.Get(beta + "/organizations"); strings.Contains(page, "Cooperativa Sociale Test") {
		t.Error("beta's directory shows alpha's organisation")
	}
}
