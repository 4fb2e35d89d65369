package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/idp/fedtest"
)

// A SPID provider given by entity id is added only when its trust chain
// verifies, cannot be enabled again once its chain breaks, and the admin
// reads why; another tenant's admin cannot see or change it.
func TestIdPByEntityID(t *testing.T) {
	w := newWorld(t)
	const alpha, beta = "http://alpha.piazza.test", "http://beta.piazza.test"
	op, ta := fedtest.New(t, "op"), fedtest.New(t, "ta")
	op.SetProvider(map[string]any{"issuer": op.ID(), "authorization_endpoint": op.ID() + "/authorize",
		"token_endpoint": op.ID() + "/token", "jwks_uri": op.ID() + "/jwks"})
	ta.Superior(op, nil)
	chains := &federation.Resolver{Anchors: []federation.Anchor{ta.Anchor()}}
	w.idps.Chains = chains
	adm := w.browser(t)
	adm.signIn(alpha, "admin@alpha.example")
	form := spidForm(url.Values{"key": {"fed"}, "label": {"SPID federato"}, "issuer": {""}, "entity_id": {op.ID()}})

	// Added: its issuer comes from the chain.
	if code, body := adm.post(alpha+"/admin/idps/new", alpha+"/admin/idps", form); code != 200 || !strings.Contains(body, "SPID federato") {
		t.Fatalf("add by entity id: %d", code)
	}
	i, err := w.idps.Get(context.Background(), w.a.ID, "fed")
	if err != nil || i.Issuer != op.ID() || i.EntityID != op.ID() || !i.Enabled {
		t.Fatalf("stored: %+v %v", i, err)
	}
	if code, page := adm.get(alpha + "/admin/idps/fed"); code != 200 || !strings.Contains(page, `name="entity_id" value="`+op.ID()+`"`) {
		t.Fatalf("the form does not show the entity id: %d", code)
	}

	// "Check" resolves the chain, not discovery.
	if code, body := adm.post(alpha+"/admin", alpha+"/admin/idps/fed/check", url.Values{}); code != 200 ||
		!strings.Contains(body, "entity id "+op.ID()+": trust chain verified until ") || !strings.Contains(body, "token "+op.ID()+"/token") {
		t.Fatalf("check: %d\n%s", code, body)
	}

	// The overview lists it with its entity id, and the tenant's own
	// federation settings, read-only.
	if err := w.fed.SaveSettings(context.Background(), &federation.Settings{TenantID: w.a.ID, AuthorityHints: []string{"https://ta.alpha.example"}}); err != nil {
		t.Fatal(err)
	}
	if _, page := adm.get(alpha + "/admin"); !strings.Contains(page, "Identificativo di entità nella federazione (SPID e CIE): "+op.ID()) ||
		!strings.Contains(page, `<dd class="col-sm-8 text-break">https://ta.alpha.example</dd>`) || !strings.Contains(page, "Trust mark</dt><dd class=\"col-sm-8 text-break\">nessuno</dd>") {
		t.Fatalf("overview:\n%s", page)
	}

	// Beta's admin neither sees nor changes it.
	betaAdmin := w.browser(t)
	betaAdmin.signIn(beta, "admin@beta.example")
	if _, page := betaAdmin.get(beta + "/admin"); strings.Contains(page, op.ID()) || strings.Contains(page, "ta.alpha.example") ||
		!strings.Contains(page, "nessuno proprio: la piattaforma") {
		t.Errorf("beta's overview shows alpha's provider or settings")
	}
	if code, _ := betaAdmin.get(beta + "/admin/idps/fed"); code != 404 {
		t.Errorf("beta's admin opens alpha's provider: %d", code)
	}
	for _, u := range []string{"/admin/idps/fed/edit", "/admin/idps/fed/disable", "/admin/idps/fed/check"} {
		f := spidForm(url.Values{"key": {"fed"}, "issuer": {""}, "entity_id": {op.ID()}})
		if code, _ := betaAdmin.post(beta+"/admin", beta+u, f); code != 404 {
			t.Errorf("beta's admin posts %s: %d", u, code)
		}
	}

	// Disabled, then its chain breaks (the anchor's statement no longer
	// verifies): enabling it is refused and says why.
	if code, _ := adm.post(alpha+"/admin", alpha+"/admin/idps/fed/disable", url.Values{}); code != 200 {
		t.Fatalf("disable: %d", code)
	}
	ta.Forge()
	chains.Forget(op.ID())
	code, body := adm.post(alpha+"/admin", alpha+"/admin/idps/fed/enable", url.Values{})
	if code != 422 || !strings.Contains(body, "Non è stato possibile verificare la catena di fiducia del fornitore") ||
		!strings.Contains(body, "signature does not verify with the keys of "+ta.ID()) {
		t.Fatalf("enable with a broken chain: %d\n%s", code, body)
	}
	if i, _ := w.idps.Get(context.Background(), w.a.ID, "fed"); i == nil || i.Enabled {
		t.Fatalf("enabled anyway: %+v", i)
	}
	if code, body := adm.post(alpha+"/admin", alpha+"/admin/idps/fed/check", url.Values{}); code != 200 ||
		!strings.Contains(body, "signature does not verify with the keys of "+ta.ID()) {
		t.Fatalf("check with a broken chain: %d\n%s", code, body)
	}

	// Added with an expired chain: refused, the reason under the field,
	// nothing stored.
	op2 := fedtest.New(t, "op2")
	op2.SetProvider(map[string]any{"issuer": op2.ID(), "authorization_endpoint": op2.ID() + "/authorize", "token_endpoint": op2.ID() + "/token", "jwks_uri": op2.ID() + "/jwks"})
	ta2 := fedtest.New(t, "ta2")
	ta2.Superior(op2, nil)
	ta2.Expire(op2)
	chains.Anchors = append(chains.Anchors, ta2.Anchor())
	form = spidForm(url.Values{"key": {"fed2"}, "issuer": {""}, "entity_id": {op2.ID()}})
	code, body = adm.post(alpha+"/admin/idps/new", alpha+"/admin/idps", form)
	if code != 422 || !strings.Contains(body, `id="entity_id-error">Non è stato possibile verificare la catena di fiducia`) ||
		!strings.Contains(body, "statement of "+ta2.ID()+" about "+op2.ID()+": expired at") {
		t.Fatalf("add with an expired chain: %d\n%s", code, body)
	}
	if _, err := w.idps.Get(context.Background(), w.a.ID, "fed2"); err == nil {
		t.Fatal("stored with an expired chain")
	}
}
