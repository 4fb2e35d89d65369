package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestOtherTenant: beta's API shows none of alpha's public items (by list
// or by id), beta's token reads and writes nothing of alpha's, and a
// member of beta cannot revoke alpha's token by its id (404): the token
// stays live at alpha.
func TestOtherTenant(t *testing.T) {
	generous(t)
	s := loadSpec(t)
	w := moduletest.New(t)
	validator := w.Browser(t, alpha, "validator")
	id := post(t, validator, "proposals", proposalForm("Solo di Alpha", url.Values{"public": {"1"}}))
	news := post(t, validator, "news", url.Values{"title": {"Notizia di Alpha"}, "summary": {"Breve"}, "body": {"Testo"},
		"language": {"it"}, "scope_kind": {"tenant"}, "public": {"1"}, "action": {"publish"}})
	alphaAnna := w.Browser(t, alpha, "anna")
	newToken(t, alphaAnna, alpha, "Prima di Alpha", "read")
	alphaToken := newToken(t, alphaAnna, alpha, "Di Alpha", "read write") // an id beta's tokens have not
	betaAnna := w.Browser(t, beta, "anna")
	betaToken := newToken(t, betaAnna, beta, "Di Beta", "read write")

	for _, tok := range []string{"", betaToken} {
		c := newClient(t, w, s, tok)
		for _, p := range []string{"/proposals", "/news", "/proposals?format=csv"} {
			if r := c.get(beta + "/api/v1" + p); r.Code != 200 || strings.Contains(string(r.Body), "di Alpha") || strings.Contains(string(r.Body), "Alpha") {
				t.Errorf("beta's %s: %d %.300s", p, r.Code, r.Body)
			}
		}
		for _, p := range []string{"/proposals/" + id, "/news/" + news} {
			if r := c.get(beta + "/api/v1" + p); r.Code != 404 {
				t.Errorf("alpha's %s at beta: %d", p, r.Code)
			}
		}
	}
	bc := newClient(t, w, s, betaToken)
	if r := bc.do(http.MethodPost, beta+"/api/v1/proposals/"+id+"/interests", []byte(`{"offer": "Da Beta"}`)); r.Code != 404 {
		t.Errorf("beta's token writes at beta for alpha's id: %d", r.Code)
	}
	if r := bc.do(http.MethodPost, alpha+"/api/v1/proposals/"+id+"/interests", []byte(`{"offer": "Da Beta"}`)); r.Code != 401 {
		t.Errorf("beta's token at alpha: %d", r.Code)
	}
	if n := query[int](t, w, "alpha", "SELECT count(*) FROM proposal_interests"); n != 0 {
		t.Errorf("%d expressions landed in alpha", n)
	}
	tid := query[int64](t, w, "alpha", "SELECT id FROM api_tokens WHERE name = 'Di Alpha'")
	if code, _ := betaAnna.Send(beta+"/profile/tokens", fmt.Sprintf("%s/profile/tokens/%d/revoke", beta, tid), nil); code != 404 {
		t.Errorf("beta's anna revokes alpha's token by id: %d", code)
	}
	if r := newClient(t, w, s, alphaToken).get(alpha + "/api/v1/me"); r.Code != 200 {
		t.Errorf("alpha's token after beta's try: %d", r.Code)
	}
	if _, page := betaAnna.Get(beta + "/profile/tokens"); strings.Contains(page, "Di Alpha") {
		t.Error("beta's token page lists alpha's token")
	}
}
