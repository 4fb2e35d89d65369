package idp_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/idp"
)

// fedEntity is one entity of an in-process federation: it serves its
// entity configuration and, as a superior, its statements about its
// subordinates at /fetch, signed with its key (or forge's).
type fedEntity struct {
	t    *testing.T
	srv  *httptest.Server
	key  jose.SigningKey
	pub  jose.JSONWebKeySet
	hits atomic.Int64

	mu    sync.Mutex
	conf  federation.Statement
	subs  map[string]federation.Statement
	forge *jose.SigningKey
}

func rsaKey(t *testing.T, kid string) (jose.SigningKey, jose.JSONWebKey) {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: kid, Algorithm: "RS256"}},
		jose.JSONWebKey{Key: &priv.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"}
}

func newFedEntity(t *testing.T, name string) *fedEntity {
	e := &fedEntity{t: t, subs: map[string]federation.Statement{}}
	var pub jose.JSONWebKey
	e.key, pub = rsaKey(t, name)
	e.pub = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+federation.WellKnown, func(w http.ResponseWriter, r *http.Request) {
		e.hits.Add(1)
		e.mu.Lock()
		st := e.conf
		e.mu.Unlock()
		st.Issuer, st.Subject, st.JWKS = e.id(), e.id(), &e.pub
		e.write(w, st)
	})
	mux.HandleFunc("GET /fetch", func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		st, ok := e.subs[r.URL.Query().Get("sub")]
		e.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		st.Issuer, st.Subject = e.id(), r.URL.Query().Get("sub")
		e.write(w, st)
	})
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *fedEntity) id() string { return e.srv.URL }

func (e *fedEntity) write(w http.ResponseWriter, st federation.Statement) {
	if st.ExpiresAt == 0 {
		st.IssuedAt, st.ExpiresAt = time.Now().Unix(), time.Now().Add(time.Hour).Unix()
	}
	key := e.key
	e.mu.Lock()
	if e.forge != nil {
		key = *e.forge
	}
	e.mu.Unlock()
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("entity-statement+jwt"))
	if err != nil {
		e.t.Error(err)
		return
	}
	body, _ := json.Marshal(st)
	jws, err := signer.Sign(body)
	if err != nil {
		e.t.Error(err)
		return
	}
	out, _ := jws.CompactSerialize()
	w.Header().Set("Content-Type", federation.StatementType)
	_, _ = w.Write([]byte(out))
}

// setMetadata replaces the provider's openid_provider metadata.
func (e *fedEntity) setMetadata(m map[string]any) {
	e.mu.Lock()
	e.conf.Metadata = map[string]map[string]any{"openid_provider": m}
	e.mu.Unlock()
}

// spidFed is the in-process provider of world as a SPID provider of a
// federation: its entity configuration (the provider's discovery as
// openid_provider metadata, its signing keys inline) and a trust anchor
// whose statement about it restricts the levels to SpidL2.
type spidFed struct {
	op, ta *fedEntity
	meta   map[string]any
}

func newSpidFed(t *testing.T, w *world) *spidFed {
	f := &spidFed{op: newFedEntity(t, "op"), ta: newFedEntity(t, "ta")}
	f.meta = fetchJSON(t, w.issuer+".well-known/openid-configuration")
	keys := fetchJSON(t, f.meta["jwks_uri"].(string))
	delete(f.meta, "jwks_uri")
	f.meta["jwks"] = keys
	f.meta["acr_values_supported"] = []string{"https://www.spid.gov.it/SpidL1", "https://www.spid.gov.it/SpidL2", "https://www.spid.gov.it/SpidL3"}
	f.op.setMetadata(f.meta)
	f.op.conf.AuthorityHints = []string{f.ta.id()}
	f.ta.conf.Metadata = map[string]map[string]any{"federation_entity": {"federation_fetch_endpoint": f.ta.id() + "/fetch"}}
	f.ta.subs[f.op.id()] = federation.Statement{JWKS: &f.op.pub, MetadataPolicy: map[string]map[string]federation.Policy{
		"openid_provider": {"acr_values_supported": {"subset_of": []string{"https://www.spid.gov.it/SpidL2"}}}}}
	w.chains.Anchors = []federation.Anchor{{EntityID: f.ta.id(), JWKS: f.ta.pub}}
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
	_, stale := rsaKey(t, "stale")
	f.meta["jwks"] = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{stale}}
	f.op.setMetadata(f.meta)
	i, err := spidByEntityID(t, w, f.op.id()+"/")
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.store.Get(context.Background(), w.a.ID, "spid")
	if err != nil || !got.Enabled || got.Issuer != w.issuer || got.EntityID != f.op.id()+"/" {
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
	f.op.setMetadata(f.meta)
	before := f.op.hits.Load()
	if p := get(t, c, callback); p.status != 303 {
		t.Fatalf("callback: %d %s", p.status, p.body)
	}
	if f.op.hits.Load() != before+1 {
		t.Errorf("entity configuration fetched %d times at the callback, want 1", f.op.hits.Load()-before)
	}
	if home := get(t, c, "http://alpha.piazza.test/"); !strings.Contains(home.body, "Mario Rossi") {
		t.Fatalf("not signed in: %s", home.body)
	}
	// The chain is kept: a second sign-in fetches nothing of the federation.
	before = f.op.hits.Load()
	c2 := w.browser()
	reqID, _ := toIdP(t, c2, "http://alpha.piazza.test/auth/oidc/spid/login")
	if p := get(t, c2, w.atIdP(t, c2, reqID)); p.status != 303 || f.op.hits.Load() != before {
		t.Fatalf("second sign-in: %d, %d fetches", p.status, f.op.hits.Load()-before)
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
		{"bad signature", func(w *world, f *spidFed) {
			k, _ := rsaKey(t, "ta")
			f.ta.forge = &k
		}, func(f *spidFed) string { return "signature does not verify with the keys of " + f.ta.id() }},
		{"expired", func(w *world, f *spidFed) {
			st := f.ta.subs[f.op.id()]
			st.IssuedAt, st.ExpiresAt = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
			f.ta.subs[f.op.id()] = st
		}, func(f *spidFed) string { return "statement of " + f.ta.id() + " about " + f.op.id() + ": expired at" }},
		{"unknown anchor", func(w *world, f *spidFed) {
			_, pub := rsaKey(t, "elsewhere")
			w.chains.Anchors = []federation.Anchor{{EntityID: "https://anchor.example", JWKS: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}}}
		}, func(f *spidFed) string { return "is not a configured trust anchor" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			f := newSpidFed(t, w)
			c.breakIt(w, f)
			_, err := spidByEntityID(t, w, f.op.id())
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
	if _, err := spidByEntityID(t, w, f.op.id()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := w.store.SetEnabled(ctx, w.a.ID, "spid", false); err != nil {
		t.Fatal(err)
	}
	k, _ := rsaKey(t, "ta")
	f.ta.forge = &k
	w.chains.Forget(f.op.id())
	var chain *idp.ChainError
	if err := w.store.SetEnabled(ctx, w.a.ID, "spid", true); !errors.As(err, &chain) {
		t.Fatalf("enabled with a broken chain: %v", err)
	}
	if i, _ := w.store.Get(ctx, w.a.ID, "spid"); i == nil || i.Enabled {
		t.Fatalf("enabled: %+v", i)
	}
	// An entity id is for SPID and CIE only, and needs anchors.
	g := &idp.IdP{TenantID: w.a.ID, Key: "gen", EntityID: f.op.id(), Issuer: w.issuer, ClientID: "x", ClientSecret: "y"}
	if err := w.store.Add(ctx, g); err == nil || errors.As(err, &chain) {
		t.Fatalf("generic provider by entity id: %v", err)
	}
}
