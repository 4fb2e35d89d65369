package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestTokens: a member creates tokens on /profile/tokens, sees each secret
// once (only its digest is stored), reads their own profile (with their
// e-mail) and their own expressions of interest with one; the same token
// at another tenant, a revoked or expired token, or none are refused
// (401); a read-only token cannot write (403); another member cannot
// revoke it; creation and revocation are in the audit trail.
func TestTokens(t *testing.T) {
	generous(t)
	s := loadSpec(t)
	w := moduletest.New(t)
	anna, bruno := w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "bruno")
	read := newToken(t, anna, alpha, "Lettura", "read")
	if n := query[int](t, w, "alpha", "SELECT count(*) FROM api_tokens WHERE digest = sha256(convert_to(?, 'UTF8'))", read); n != 1 {
		t.Fatalf("the token is not stored as its digest (%d)", n)
	}
	if n := query[int](t, w, "alpha", "SELECT count(*) FROM api_tokens AS k WHERE k::text LIKE '%' || ? || '%'", read[len("pzt_")+4:]); n != 0 {
		t.Error("the token's secret is stored")
	}
	if _, page := anna.Get(alpha + "/profile/tokens"); strings.Contains(page, read) || !strings.Contains(page, "Lettura") {
		t.Error("the list shows the secret again, or not the token")
	}

	c := newClient(t, w, s, read)
	var me struct {
		ID    int64
		Email string
	}
	r := c.get(alpha + "/api/v1/me")
	r.JSON(t, &me)
	if r.Code != 200 || me.Email != "anna@alpha.example" || me.ID != w.ID("alpha", "anna") {
		t.Errorf("/me: %d %+v", r.Code, me)
	}
	// No token, another tenant, a made-up one, a malformed header: 401.
	cases := map[string]*client{"no token": newClient(t, w, s, ""), "made up": newClient(t, w, s, "pzt_"+strings.Repeat("A", 43))}
	for name, x := range cases {
		if r := x.get(alpha + "/api/v1/me"); r.Code != 401 || r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: %d", name, r.Code)
		}
	}
	if r := c.get(beta + "/api/v1/me"); r.Code != 401 {
		t.Errorf("alpha's token at beta: %d %s", r.Code, r.Body)
	} else if code, _ := r.Problem(t); code != "unauthorized" {
		t.Errorf("alpha's token at beta: %s", code)
	}
	if r := c.get(beta + "/api/v1/proposals"); r.Code != 401 {
		t.Errorf("alpha's token on beta's public list: %d", r.Code)
	}
	odd := newClient(t, w, s, "")
	odd.headers.Set("Authorization", "Basic YW5uYTpwYXNzd29yZA==")
	if r := odd.get(alpha + "/api/v1/proposals"); r.Code != 401 {
		t.Errorf("a Basic header: %d", r.Code)
	}
	// The session cookie is no token: a signed-in browser reads as a guest.
	if code, page := anna.Get(alpha + "/api/v1/me"); code != 401 || !strings.Contains(page, "token_required") {
		t.Errorf("/me with the session cookie: %d %.200s", code, page)
	}

	// Another member cannot revoke it; its owner can, and it is refused.
	id := query[int64](t, w, "alpha", "SELECT id FROM api_tokens WHERE name = 'Lettura'")
	if code, _ := bruno.Send(alpha+"/profile/tokens", fmt.Sprintf("%s/profile/tokens/%d/revoke", alpha, id), nil); code != 404 {
		t.Errorf("bruno revokes anna's token: %d", code)
	}
	if r := c.get(alpha + "/api/v1/me"); r.Code != 200 {
		t.Fatalf("still live after bruno's try: %d", r.Code)
	}
	if code, _ := anna.Send(alpha+"/profile/tokens", fmt.Sprintf("%s/profile/tokens/%d/revoke", alpha, id), nil); code != 303 {
		t.Fatalf("revoke: %d", code)
	}
	if r := c.get(alpha + "/api/v1/me"); r.Code != 401 {
		t.Errorf("a revoked token: %d", r.Code)
	}
	if _, page := anna.Get(alpha + "/profile/tokens"); !strings.Contains(page, "Revocato") && !strings.Contains(page, "Revoked") {
		t.Error("the list does not say the token is revoked")
	}
	// An expired token is refused.
	old := newToken(t, anna, alpha, "Scaduto", "read")
	exec(t, w, "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE name = 'Scaduto'")
	if r := newClient(t, w, s, old).get(alpha + "/api/v1/me"); r.Code != 401 {
		t.Errorf("an expired token: %d", r.Code)
	}
	// A suspended member's token is refused.
	live := newToken(t, bruno, alpha, "Di Bruno", "read write")
	exec(t, w, "UPDATE users SET status = 'suspended' WHERE id = ?", w.ID("alpha", "bruno"))
	if r := newClient(t, w, s, live).get(alpha + "/api/v1/me"); r.Code != 401 {
		t.Errorf("a suspended member's token: %d", r.Code)
	}
	// The audit trail has both actions, never the secret.
	var n int
	if err := w.DB.DB.QueryRowContext(t.Context(), `SELECT count(*) FROM piazza.audit_log WHERE tenant_id = ?
		AND action IN ('api.token.create', 'api.token.revoke') AND detail::text NOT LIKE '%pzt_%'`, w.A.ID).Scan(&n); err != nil || n != 4 {
		t.Errorf("audit entries: %d %v", n, err)
	}
	// The form refuses what it cannot take.
	for _, bad := range []url.Values{{"name": {""}, "scope": {"read"}}, {"name": {strings.Repeat("n", 101)}, "scope": {"read"}},
		{"name": {"x"}, "scope": {"admin"}}, {"name": {"x"}, "scope": {"read"}, "expires": {"2001-01-01"}}} {
		if res, _ := anna.Post(alpha+"/profile/tokens", alpha+"/profile/tokens", bad); res.StatusCode != 422 {
			t.Errorf("form %v: %d", bad, res.StatusCode)
		}
	}
}

// TestTokenPageXSS: stored-XSS payloads as tokens' names render inert on
// the token page (as just created and as listed).
func TestTokenPageXSS(t *testing.T) {
	generous(t)
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	for i, p := range webtest.Payloads {
		name := fmt.Sprintf("%.95s", p)
		if strings.TrimSpace(strings.Join(strings.Fields(name), " ")) == "" {
			continue
		}
		res, page := anna.Post(alpha+"/profile/tokens", alpha+"/profile/tokens", url.Values{"name": {name}, "scope": {"read"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("payload %d: %d", i, res.StatusCode)
		}
		if bad := webtest.Inert(page); bad != "" {
			t.Errorf("payload %d as created: %s", i, bad)
		}
	}
	_, page := anna.Get(alpha + "/profile/tokens")
	if bad := webtest.Inert(page); bad != "" {
		t.Errorf("the list: %s", bad)
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the payload is not shown as text")
	}
}
