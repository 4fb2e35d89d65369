package idp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/idp/fedtest"
)

// spidFed is the in-process provider of world as a SPID provider of a
// federation: its entity configuration (the provider's discovery as
// openid_provider metadata, its signing keys inline) and a trust anchor
// whose statement about it restricts the levels to SpidL2.
type spidFed struct {
	op, ta *fedtest.Entity
	meta   map[string]any
}

func newSpidFed(t *testing.T, w *world) *spidFed {
	f := &spidFed{op: fedtest.New(t, "op"), ta: fedtest.New(t, "ta")}
	f.meta = fetchJSON(t, w.issuer+".well-known/openid-configuration")
	keys := fetchJSON(t, f.meta["jwks_uri"].(string))
	delete(f.meta, "jwks_uri")
	f.meta["jwks"] = keys
	f.meta["acr_values_supported"] = []string{"https://www.spid.gov.it/SpidL1", "https://www.spid.gov.it/SpidL2", "https://www.spid.gov.it/SpidL3"}
	f.op.SetProvider(f.meta)
	f.ta.Superior(f.op, map[string]map[string]federation.Policy{
		"openid_provider": {"acr_values_supported": {"subset_of": []string{"https://www.spid.gov.it/SpidL2"}}}})
	w.chains.Anchors = []federation.Anchor{f.ta.Anchor()}
	return f
}

func fetchJSON(t *testing.T, u string) map[string]any {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	m := map[string]any{}
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// spidByEntityID replaces alpha's SPID provider with one given by entity id.
func spidByEntityID(t *testing.T, w *world, entityID string) (*idp.IdP, error) {
	t.Helper()
	if err := w.store.Remove(context.Background(), w.a.ID, "spid"); err != nil {
		t.Fatal(err)
	}
	i := &idp.IdP{TenantID: w.a.ID, Key: "spid", Label: "SPID", Kind: "spid", EntityID: entityID, ClientID: "piazza-alpha-jwt",
		ClientAuth: idp.AuthPrivateJWT, ACRValues: []string{"https://www.spid.gov.it/SpidL2", "https://www.spid.gov.it/SpidL3"}}
	return i, w.store.Add(context.Background(), i)
}

// A SPID provider added by entity id signs a person in with the metadata of
// its verified trust chain: the anchor's policy restricts the levels asked
// for, and keys that no longer verify the ID token make the chain resolve
// again, once.
func TestSignInThroughTrustChain(t *testing.T) {
	w := newWorld(t)
	w.op.setUserInfo("jwe")
	f := newSpidFed(t, w)
	// The provider's configuration first carries a key that is not its own.
	wrong := f.meta["jwks"]
	_, stale := fedtest.Key(t, "stale")
	f.meta["jwks"] = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{stale}}
	f.op.SetProvider(f.meta)
	i, err := spidByEntityID(t, w, f.op.ID()+"/")
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.store.Get(context.Background(), w.a.ID, "spid")
	if err != nil || !got.Enabled || got.Issuer != w.issuer || got.EntityID != f.op.ID()+"/" {
		t.Fatalf("stored: %+v %v (issuer from the chain: %s)", got, err, i.Issuer)
	}
	c := w.browser()
	start := get(t, c, "http://alpha.piazza.test/auth/oidc/spid/login")
	u, _ := url.Parse(start.location)
	if !strings.HasPrefix(start.location, f.meta["authorization_endpoint"].(string)) ||
		u.Query().Get("acr_values") != "https://www.spid.gov.it/SpidL2" {
		t.Fatalf("authorization request (SpidL3 is outside the anchor's policy): %s", start.location)
	}
	p := get(t, c, start.location)
	lu, _ := url.Parse(p.location)
	callback := w.atIdP(t, c, lu.Query().Get("authRequestID"))
	// The provider now publishes its real keys; the stale ones fail the ID
	// token, so the chain is resolved again and the sign-in goes through.
	f.meta["jwks"] = wrong
	f.op.SetProvider(f.meta)
	before := f.op.Hits.Load()
	if p := get(t, c, callback); p.status != 303 {
		t.Fatalf("callback: %d %s", p.status, p.body)
	}
	if f.op.Hits.Load() != before+1 {
		t.Errorf("entity configuration fetched %d times at the callback, want 1", f.op.Hits.Load()-before)
	}
	if home := get(t, c, "http://alpha.piazza.test/"); !strings.Contains(home.body, "Mario Rossi") {
		t.Fatalf("not signed in: %s", home.body)
	}
	// The chain is kept: a second sign-in fetches nothing of the federation.
	before = f.op.Hits.Load()
	c2 := w.browser()
	reqID, _ := toIdP(t, c2, "http://alpha.piazza.test/auth/oidc/spid/login")
	if p := get(t, c2, w.atIdP(t, c2, reqID)); p.status != 303 || f.op.Hits.Load() != before {
		t.Fatalf("second sign-in: %d, %d fetches", p.status, f.op.Hits.Load()-before)
	}
}

// A provider whose chain does not verify is neither added nor enabled, and
// the error names the failing link.
func TestUnverifiableChainRefused(t *testing.T) {
	cases := []struct {
		name    string
		breakIt func(w *world, f *spidFed)
		want    func(f *spidFed) string
	}{
		{"bad signature", func(w *world, f *spidFed) { f.ta.Forge() }, func(f *spidFed) string { return "signature does not verify with the keys of " + f.ta.ID() }},
		{"expired", func(w *world, f *spidFed) { f.ta.Expire(f.op) }, func(f *spidFed) string { return "statement of " + f.ta.ID() + " about " + f.op.ID() + ": expired at" }},
		{"unknown anchor", func(w *world, f *spidFed) {
			_, pub := fedtest.Key(t, "elsewhere")
			w.chains.Anchors = []federation.Anchor{{EntityID: "https://anchor.example", JWKS: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}}}
		}, func(f *spidFed) string { return "is not a configured trust anchor" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			f := newSpidFed(t, w)
			c.breakIt(w, f)
			_, err := spidByEntityID(t, w, f.op.ID())
			var chain *idp.ChainError
			if !errors.As(err, &chain) || !strings.Contains(chain.Reason, c.want(f)) {
				t.Fatalf("add: %v\nwant a chain error saying %q", err, c.want(f))
			}
			if _, err := w.store.Get(context.Background(), w.a.ID, "spid"); !errors.Is(err, idp.ErrNotFound) {
				t.Fatalf("a provider was stored: %v", err)
			}
			if p := get(t, w.browser(), "http://alpha.piazza.test/auth/oidc/spid/login"); p.status != 404 {
				t.Fatalf("sign-in with the refused provider: %d", p.status)
			}
		})
	}
	// Added while its chain verified, disabled, then its chain broke: it
	// cannot be enabled again.
	w := newWorld(t)
	f := newSpidFed(t, w)
	if _, err := spidByEntityID(t, w, f.op.ID()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := w.store.SetEnabled(ctx, w.a.ID, "spid", false); err != nil {
		t.Fatal(err)
	}
	f.ta.Forge()
	w.chains.Forget(f.op.ID())
	var chain *idp.ChainError
	if err := w.store.SetEnabled(ctx, w.a.ID, "spid", true); !errors.As(err, &chain) {
		t.Fatalf("enabled with a broken chain: %v", err)
	}
	if i, _ := w.store.Get(ctx, w.a.ID, "spid"); i == nil || i.Enabled {
		t.Fatalf("enabled: %+v", i)
	}
	// An entity id is for SPID and CIE only, and needs anchors.
	g := &idp.IdP{TenantID: w.a.ID, Key: "gen", EntityID: f.op.ID(), Issuer: w.issuer, ClientID: "x", ClientSecret: "y"}
	if err := w.store.Add(ctx, g); err == nil || errors.As(err, &chain) {
		t.Fatalf("generic provider by entity id: %v", err)
	}
}
