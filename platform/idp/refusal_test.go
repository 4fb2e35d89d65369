package idp_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/piazza-pa/piazza/platform/idp"
)

// fakeOP is a provider whose token endpoint answers with whatever ID token
// the test makes: to show that bad tokens are refused.
type fakeOP struct {
	issuer string
	key    *rsa.PrivateKey
	mu     sync.Mutex
	token  func(nonce string) string
	nonce  string
	// userinfo answers the UserInfo (nil: 200 with the subject u-1 only).
	userinfo func() (int, map[string]any)
}

func startFakeOP(t *testing.T) *fakeOP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	f := &fakeOP{issuer: "http://" + ln.Addr().String(), key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": f.issuer, "authorization_endpoint": f.issuer + "/authorize",
			"token_endpoint": f.issuer + "/token", "jwks_uri": f.issuer + "/jwks", "userinfo_endpoint": f.issuer + "/userinfo", "id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"}})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "op-key", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, _ *http.Request) {
		f.mu.Lock()
		tok := f.token(f.nonce)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "id_token": tok})
	})
	mux.HandleFunc("/userinfo", func(w http.ResponseWriter, _ *http.Request) {
		status, claims := http.StatusOK, map[string]any{"sub": "u-1"}
		f.mu.Lock()
		if f.userinfo != nil {
			status, claims = f.userinfo()
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(claims)
	})
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return f
}

func (f *fakeOP) sign(t *testing.T, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOIDCRefusals(t *testing.T) {
	w := newWorld(t)
	f := startFakeOP(t)
	ctx := context.Background()
	if err := w.store.Add(ctx, &idp.IdP{TenantID: w.a.ID, Key: "fake", Issuer: f.issuer, ClientID: "alpha-client", ClientSecret: "s"}); err != nil {
		t.Fatal(err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	good := func(nonce string) map[string]any {
		now := time.Now()
		return map[string]any{"iss": f.issuer, "sub": "u-1", "aud": "alpha-client", "nonce": nonce,
			"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "email": "x@example.it", "email_verified": true}
	}
	with := func(k string, v any) func(string) map[string]any {
		return func(n string) map[string]any { c := good(n); c[k] = v; return c }
	}
	tokens := map[string]func(nonce string) string{
		"expired token": func(n string) string {
			c := good(n)
			c["exp"], c["iat"] = time.Now().Add(-time.Hour).Unix(), time.Now().Add(-2*time.Hour).Unix()
			return f.sign(t, f.key, "op-key", c)
		},
		"alg none": func(n string) string {
			enc := base64.RawURLEncoding
			h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
			p, _ := json.Marshal(good(n))
			return enc.EncodeToString(h) + "." + enc.EncodeToString(p) + "."
		},
		"unknown key":      func(n string) string { return f.sign(t, other, "op-key", good(n)) },
		"issuer mismatch":  func(n string) string { return f.sign(t, f.key, "op-key", with("iss", "https://evil.example")(n)) },
		"another audience": func(n string) string { return f.sign(t, f.key, "op-key", with("aud", "beta-client")(n)) },
		"nonce mismatch":   func(n string) string { return f.sign(t, f.key, "op-key", good("not-"+n)) },
	}
	// start begins a sign-in at the fake provider and returns our state.
	start := func(c *http.Client) string {
		p := get(t, c, "http://alpha.piazza.test/auth/oidc/fake/login?return_to=//evil.example")
		u, err := url.Parse(p.location)
		if err != nil || p.status != 302 {
			t.Fatalf("start: %d %s", p.status, p.body)
		}
		f.mu.Lock()
		f.nonce = u.Query().Get("nonce")
		f.mu.Unlock()
		return u.Query().Get("state")
	}
	noSession := func(name string, c *http.Client) {
		t.Helper()
		if home := get(t, c, "http://alpha.piazza.test/"); !strings.Contains(home.body, "/auth/login") {
			t.Errorf("%s: a session was created", name)
		}
	}
	for name, tok := range tokens {
		c := w.browser()
		f.mu.Lock()
		f.token = tok
		f.mu.Unlock()
		state := start(c)
		p := get(t, c, "http://alpha.piazza.test/auth/oidc/fake/callback?code=c&state="+url.QueryEscape(state))
		if p.status != 403 || !strings.Contains(p.body, "Accesso negato") {
			t.Errorf("%s: %d %s", name, p.status, p.body)
		}
		noSession(name, c)
	}

	// The good token works, and an off-host return_to lands on /.
	f.mu.Lock()
	f.token = func(n string) string { return f.sign(t, f.key, "op-key", good(n)) }
	f.mu.Unlock()
	c := w.browser()
	state := start(c)
	callback := "http://alpha.piazza.test/auth/oidc/fake/callback?code=c&state=" + url.QueryEscape(state)
	p := get(t, c, callback)
	if p.status != 303 || p.location != "http://alpha.piazza.test/" {
		t.Fatalf("good token: %d %q %s", p.status, p.location, p.body)
	}

	stateCases := []struct {
		name, url string
		browser   func() *http.Client
	}{
		{"state missing", "http://alpha.piazza.test/auth/oidc/fake/callback?code=c", w.browser},
		{"state wrong", "http://alpha.piazza.test/auth/oidc/fake/callback?code=c&state=forged", w.browser},
		{"state reused", callback, func() *http.Client { return c }},
	}
	for _, sc := range stateCases {
		b := sc.browser()
		if p := get(t, b, sc.url); p.status != 403 {
			t.Errorf("%s: %d %s", sc.name, p.status, p.body)
		}
	}
	// A state started in one browser, brought back by another.
	first, second := w.browser(), w.browser()
	state = start(first)
	if p := get(t, second, "http://alpha.piazza.test/auth/oidc/fake/callback?code=c&state="+url.QueryEscape(state)); p.status != 403 || !strings.Contains(p.body, "un altro browser") {
		t.Errorf("other browser: %d %s", p.status, p.body)
	}
	noSession("other browser", second)
	// The state of one IdP brought to another's callback.
	state = start(first)
	if p := get(t, first, "http://alpha.piazza.test/auth/oidc/regione/callback?code=c&state="+url.QueryEscape(state)); p.status != 403 {
		t.Errorf("state of another IdP: %d %s", p.status, p.body)
	}
}

// A code issued to tenant A's client, brought to tenant B's callback, is
// refused; and an IdP whose discovery names another issuer is refused.
func TestOIDCCrossTenantAndIssuer(t *testing.T) {
	w := newWorld(t)
	c := w.browser()
	reqID, _ := toIdP(t, c, "http://alpha.piazza.test/auth/oidc/regione/login")
	alphaCallback := w.atIdP(t, c, reqID)
	code := mustQuery(t, alphaCallback, "code")
	startB := get(t, c, "http://beta.piazza.test/auth/oidc/regione/login")
	stateB := mustQuery(t, startB.location, "state")
	p := get(t, c, "http://beta.piazza.test/auth/oidc/regione/callback?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(stateB))
	if p.status != 403 {
		t.Fatalf("alpha's code at beta: %d %s", p.status, p.body)
	}
	if home := get(t, c, "http://beta.piazza.test/"); strings.Contains(home.body, "Test User") {
		t.Fatal("signed in at beta with alpha's code")
	}

	wrongIssuer := strings.Replace(w.issuer, "127.0.0.1", "localhost", 1)
	if err := w.store.Add(context.Background(), &idp.IdP{TenantID: w.a.ID, Key: "other", Issuer: wrongIssuer, ClientID: "piazza-alpha", ClientSecret: "alpha-secret"}); err != nil {
		t.Fatal(err)
	}
	if p := get(t, w.browser(), "http://alpha.piazza.test/auth/oidc/other/login"); p.status != 403 {
		t.Fatalf("issuer mismatch at discovery: %d %s", p.status, p.body)
	}
	// An IdP of alpha does not exist at beta.
	if p := get(t, w.browser(), "http://beta.piazza.test/auth/oidc/spid/login"); p.status != 404 {
		t.Fatalf("alpha's IdP at beta: %d", p.status)
	}
}

func mustQuery(t *testing.T, raw, key string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Query().Get(key) == "" {
		t.Fatalf("no %s in %q", key, raw)
	}
	return u.Query().Get(key)
}
