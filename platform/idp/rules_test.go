package idp_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/platform/idp"
)

// The UserInfo rule of a generic provider: a failed call is tolerated only
// when the ID token holds every claim the provider is mapped by; a UserInfo
// about someone else is refused.
func TestOIDCGenericUserInfoRule(t *testing.T) {
	w := newWorld(t)
	f := startFakeOP(t)
	if err := w.store.Add(context.Background(), &idp.IdP{TenantID: w.a.ID, Key: "fake", Issuer: f.issuer, ClientID: "alpha-client", ClientSecret: "s"}); err != nil {
		t.Fatal(err)
	}
	full := map[string]any{"sub": "u-1", "email": "x@example.it", "email_verified": true, "given_name": "Anna", "family_name": "Bianchi"}
	noName := map[string]any{"sub": "u-1", "email": "x@example.it", "email_verified": true}
	failing := func() (int, map[string]any) { return http.StatusInternalServerError, map[string]any{"error": "down"} }
	other := func() (int, map[string]any) { return http.StatusOK, map[string]any{"sub": "u-2", "given_name": "Eva"} }
	cases := []struct {
		name     string
		idToken  map[string]any
		userinfo func() (int, map[string]any)
		status   int
		says     string
	}{
		{"failed UserInfo, ID token lacking the names", noName, failing, 403, "Non è stato possibile ottenere i tuoi dati"},
		{"UserInfo about another subject", full, other, 403, "riguardano un"},
		{"failed UserInfo, ID token holding the claims", full, failing, 303, ""},
	}
	for _, tc := range cases {
		f.mu.Lock()
		f.userinfo = tc.userinfo
		f.token = func(n string) string { return f.sign(t, f.key, "op-key", idClaims(f, "alpha-client", n, tc.idToken)) }
		f.mu.Unlock()
		c := w.browser()
		p := get(t, c, "http://alpha.piazza.test/auth/oidc/fake/callback?code=c&state="+url.QueryEscape(startAt(t, f, c, "fake")))
		if p.status != tc.status || !strings.Contains(p.body, tc.says) {
			t.Errorf("%s: %d %s", tc.name, p.status, p.body)
		}
		signedIn := !strings.Contains(get(t, c, "http://alpha.piazza.test/").body, "/auth/login")
		if signedIn != (tc.status == 303) {
			t.Errorf("%s: signed in %t", tc.name, signedIn)
		}
	}
}

// A SPID provider's ID token with an acr lower than asked for, or unknown,
// is refused before anything else; a high enough one goes on (to a
// UserInfo that, here, is plain JSON: refused as not encrypted).
func TestSPIDACR(t *testing.T) {
	w := newWorld(t)
	f := startFakeOP(t)
	if err := w.store.Add(context.Background(), &idp.IdP{TenantID: w.a.ID, Key: "fakespid", Kind: "spid", Issuer: f.issuer, ClientID: "alpha-spid",
		ClientAuth: idp.AuthPrivateJWT}); err != nil {
		t.Fatal(err)
	}
	for acr, says := range map[string]string{
		"https://www.spid.gov.it/SpidL1": "livello di sicurezza più basso",
		"https://evil.example/SpidL9":    "livello di sicurezza più basso",
		"https://www.spid.gov.it/SpidL3": "non sono cifrati per questo sito",
		"":                               "non sono cifrati per questo sito",
	} {
		f.mu.Lock()
		f.token = func(n string) string {
			c := idClaims(f, "alpha-spid", n, map[string]any{"sub": "u-1"})
			if acr != "" {
				c["acr"] = acr
			}
			return f.sign(t, f.key, "op-key", c)
		}
		f.mu.Unlock()
		c := w.browser()
		p := get(t, c, "http://alpha.piazza.test/auth/oidc/fakespid/callback?code=c&state="+url.QueryEscape(startAt(t, f, c, "fakespid")))
		if p.status != 403 || !strings.Contains(p.body, says) {
			t.Errorf("acr %q: %d, want 403 saying %q: %s", acr, p.status, says, p.body)
		}
	}
}

// idClaims are an ID token's claims from the fake provider for client,
// with extra.
func idClaims(f *fakeOP, client, nonce string, extra map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{"iss": f.issuer, "aud": client, "nonce": nonce, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

// startAt begins a sign-in with key at the fake provider and returns our
// state, telling the provider the nonce.
func startAt(t *testing.T, f *fakeOP, c *http.Client, key string) string {
	t.Helper()
	p := get(t, c, "http://alpha.piazza.test/auth/oidc/"+key+"/login")
	u, err := url.Parse(p.location)
	if err != nil || p.status != 302 {
		t.Fatalf("start: %d %s", p.status, p.body)
	}
	f.mu.Lock()
	f.nonce = u.Query().Get("nonce")
	f.mu.Unlock()
	return u.Query().Get("state")
}

// An answer naming another issuer (RFC 9207's iss) is refused before the
// code is used; one naming ours goes on.
func TestOIDCAnswerFromAnotherIssuer(t *testing.T) {
	w := newWorld(t)
	f := startFakeOP(t)
	if err := w.store.Add(context.Background(), &idp.IdP{TenantID: w.a.ID, Key: "fake", Issuer: f.issuer, ClientID: "alpha-client", ClientSecret: "s"}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.token = func(n string) string {
		return f.sign(t, f.key, "op-key", idClaims(f, "alpha-client", n, map[string]any{"sub": "u-1", "email": "x@example.it", "email_verified": true}))
	}
	f.mu.Unlock()
	c := w.browser()
	p := get(t, c, "http://alpha.piazza.test/auth/oidc/fake/callback?code=c&iss=https%3A%2F%2Fevil.example&state="+url.QueryEscape(startAt(t, f, c, "fake")))
	if p.status != 403 || !strings.Contains(p.body, "La risposta viene da un altro fornitore") {
		t.Fatalf("another issuer: %d %s", p.status, p.body)
	}
	p = get(t, c, "http://alpha.piazza.test/auth/oidc/fake/callback?code=c&iss="+url.QueryEscape(f.issuer)+"&state="+url.QueryEscape(startAt(t, f, c, "fake")))
	if p.status != 303 {
		t.Fatalf("our issuer: %d %s", p.status, p.body)
	}
}
