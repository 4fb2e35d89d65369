package idp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/i18n"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// A SPID sign-in: the signed request object asks for the attributes, the
// level and the consent the rules allow; the UserInfo comes signed by the
// provider and encrypted to the tenant; sign-out revokes the access token.
func TestSPIDSignInUserInfoAndRevocation(t *testing.T) {
	w := newWorld(t)
	w.op.setUserInfo("jwe")
	c := w.browser()
	start := get(t, c, "http://alpha.piazza.test/auth/oidc/spid/login")
	u, err := url.Parse(start.location)
	if start.status != 302 || err != nil {
		t.Fatalf("start: %d %s", start.status, start.body)
	}
	q := u.Query()
	for k, v := range map[string]string{"scope": "openid", "acr_values": "https://www.spid.gov.it/SpidL2", "prompt": "consent login",
		"client_id": "piazza-alpha-jwt", "response_type": "code", "code_challenge_method": "S256"} {
		if q.Get(k) != v {
			t.Errorf("authorization request %s = %q, want %q", k, q.Get(k), v)
		}
	}
	ro := requestObject(t, w, q.Get("request"))
	for k, v := range map[string]string{"scope": "openid", "acr_values": "https://www.spid.gov.it/SpidL2", "prompt": "consent login",
		"iss": "piazza-alpha-jwt", "aud": w.issuer, "client_id": "piazza-alpha-jwt", "state": q.Get("state"), "nonce": q.Get("nonce"),
		"code_challenge": q.Get("code_challenge"), "code_challenge_method": "S256", "redirect_uri": "http://alpha.piazza.test/auth/oidc/spid/callback"} {
		if ro[k] != v {
			t.Errorf("request object %s = %v, want %q", k, ro[k], v)
		}
	}
	if len(q.Get("state")) < 32 || len(q.Get("nonce")) < 32 {
		t.Errorf("state %q and nonce %q must have at least 32 characters", q.Get("state"), q.Get("nonce"))
	}
	claims, _ := json.Marshal(ro["claims"])
	if string(claims) != `{"userinfo":{"email":null,"family_name":null,"given_name":null,"https://attributes.eid.gov.it/fiscal_number":null}}` {
		t.Errorf("request object claims = %s", claims)
	}

	p := get(t, c, start.location)
	if p.status != 302 {
		t.Fatalf("the provider refused the request object: %d %s", p.status, p.body)
	}
	lu, _ := url.Parse(p.location)
	if p := get(t, c, w.atIdP(t, c, lu.Query().Get("authRequestID"))); p.status != 303 {
		t.Fatalf("callback: %d %s", p.status, p.body)
	}
	if home := get(t, c, "http://alpha.piazza.test/"); !strings.Contains(home.body, "Mario Rossi") {
		t.Fatalf("not signed in with the UserInfo's names: %s", home.body)
	}
	var fiscal, email string
	if err := w.d.Admin(t).QueryRow(context.Background(), "SELECT fiscal_number, email FROM t_alpha.users").Scan(&fiscal, &email); err != nil {
		t.Fatal(err)
	}
	if fiscal != "RSSMRA80A01H501U" || email != "mario.rossi@example.it" {
		t.Fatalf("user from the UserInfo: fiscal %q, e-mail %q", fiscal, email)
	}

	// Sign-out: the access token reaches the revocation endpoint with the
	// tenant's client assertion, and the provider no longer honours it.
	token := csrfToken(t, get(t, c, "http://alpha.piazza.test/").body)
	res, err := c.PostForm("http://alpha.piazza.test/auth/logout", url.Values{"_csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("sign-out: %d", res.StatusCode)
	}
	revs := w.op.revocations()
	if len(revs) != 1 || revs[0].Get("token") == "" || revs[0].Get("token_type_hint") != "access_token" ||
		revs[0].Get("client_id") != "piazza-alpha-jwt" || revs[0].Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" ||
		revs[0].Get("client_assertion") == "" {
		t.Fatalf("revocation requests: %v", revs)
	}
	req, _ := http.NewRequest(http.MethodGet, w.issuer+"userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+revs[0].Get("token"))
	w.op.setUserInfo("")
	if ui, err := http.DefaultClient.Do(req); err != nil || ui.StatusCode == 200 {
		t.Fatalf("the revoked access token still works at the provider: %v %v", ui.StatusCode, err)
	}
	if home := get(t, c, "http://alpha.piazza.test/"); strings.Contains(home.body, "Mario Rossi") {
		t.Fatal("still signed in after signing out")
	}
	var kept int
	if err := w.d.Admin(t).QueryRow(context.Background(), "SELECT count(*) FROM piazza.tenant_idp_tokens").Scan(&kept); err != nil || kept != 0 {
		t.Fatalf("tokens kept after sign-out: %d %v", kept, err)
	}
}

// requestObject verifies a request object with the tenant's published
// signing key and returns its claims.
func requestObject(t *testing.T, w *world, raw string) map[string]any {
	t.Helper()
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("request object: %v", err)
	}
	set, _ := w.keys.JWKS(context.Background(), w.a.ID)
	m := map[string]any{}
	if err := tok.Claims(set.Keys[0].Public().Key, &m); err != nil {
		t.Fatalf("request object not signed with the tenant's key: %v", err)
	}
	return m
}

// A UserInfo that fails, or is not the provider's, or not for this site,
// ends the sign-in on a page that says why: no session, no account.
func TestSPIDUserInfoRefused(t *testing.T) {
	w := newWorld(t)
	cases := map[string]string{
		"status":            "Non è stato possibile ottenere i tuoi dati",
		"tampered":          "non sono cifrati per questo sito",
		"not encrypted":     "non sono cifrati per questo sito",
		"another recipient": "non sono cifrati per questo sito",
		"unsigned":          "non sono firmati dal fornitore",
		"wrong signing key": "non sono firmati dal fornitore",
		"other audience":    "non sono firmati dal fornitore",
		"other issuer":      "non sono firmati dal fornitore",
		"expired":           "non sono firmati dal fornitore",
		"other subject":     "riguardano un",
	}
	for mode, want := range cases {
		w.op.setUserInfo(mode)
		c := w.browser()
		reqID, _ := toIdP(t, c, "http://alpha.piazza.test/auth/oidc/spid/login")
		p := get(t, c, w.atIdP(t, c, reqID))
		if p.status != 403 || !strings.Contains(p.body, "Accesso negato") || !strings.Contains(p.body, want) {
			t.Errorf("%s: %d, want 403 saying %q:\n%s", mode, p.status, want, p.body)
		}
		if strings.Contains(p.body, "goroutine") || strings.Contains(p.body, "go-jose") {
			t.Errorf("%s: internals shown: %s", mode, p.body)
		}
		if home := get(t, c, "http://alpha.piazza.test/"); !strings.Contains(home.body, "/auth/login") {
			t.Errorf("%s: a session was created", mode)
		}
	}
	var users int
	if err := w.d.Admin(t).QueryRow(context.Background(), "SELECT count(*) FROM t_alpha.users").Scan(&users); err != nil || users != 0 {
		t.Fatalf("accounts made by refused sign-ins: %d %v", users, err)
	}
	// The reasons, in English too (this test's site speaks Italian only).
	b, err := i18n.New(i18n.Messages)
	if err != nil {
		t.Fatal(err)
	}
	en := b.For("en")
	for key, want := range map[string]string{"auth.oidc.userinfo_failed": "could not be obtained", "auth.oidc.userinfo_invalid": "not encrypted for this site",
		"auth.oidc.userinfo_subject": "about someone else", "auth.oidc.acr": "lower security level"} {
		if got := en.T(key); !strings.Contains(got, want) {
			t.Errorf("%s in English: %q", key, got)
		}
	}
}

// A revocation the provider refuses is logged, without the token, and the
// sign-out happens all the same.
func TestSPIDSignOutWhenRevocationFails(t *testing.T) {
	w := newWorld(t)
	w.op.setUserInfo("jwe")
	w.op.mu.Lock()
	w.op.revokeDown = true
	w.op.mu.Unlock()
	c := w.browser()
	reqID, _ := toIdP(t, c, "http://alpha.piazza.test/auth/oidc/spid/login")
	if p := get(t, c, w.atIdP(t, c, reqID)); p.status != 303 {
		t.Fatalf("callback: %d %s", p.status, p.body)
	}
	token := csrfToken(t, get(t, c, "http://alpha.piazza.test/").body)
	res, err := c.PostForm("http://alpha.piazza.test/auth/logout", url.Values{"_csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("sign-out: %d", res.StatusCode)
	}
	if home := get(t, c, "http://alpha.piazza.test/"); strings.Contains(home.body, "Mario Rossi") || !strings.Contains(home.body, "/auth/login") {
		t.Fatal("still signed in after a sign-out whose revocation failed")
	}
	revs := w.op.revocations()
	if len(revs) != 1 {
		t.Fatalf("revocation requests: %d", len(revs))
	}
	logs := w.logs.String()
	if !strings.Contains(logs, "token revocation failed") || !strings.Contains(logs, "503") || strings.Contains(logs, revs[0].Get("token")) ||
		strings.Contains(logs, revs[0].Get("client_assertion")) {
		t.Fatalf("log of the failed revocation (must name the failure, not the token):\n%s", logs)
	}
}
