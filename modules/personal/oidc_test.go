package personal_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/secret"
)

// provider is an OpenID provider whose token endpoint answers with an ID
// token for the subject and address it is given, signed with its key.
type provider struct {
	issuer string
	key    *rsa.PrivateKey
	mu     sync.Mutex
	nonce  string
	// revoked are the tokens revoked at its revocation endpoint.
	revoked []string
}

func startProvider(t *testing.T) *provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	p := &provider{issuer: "http://" + ln.Addr().String(), key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": p.issuer, "authorization_endpoint": p.issuer + "/authorize",
			"token_endpoint": p.issuer + "/token", "revocation_endpoint": p.issuer + "/revoke", "jwks_uri": p.issuer + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"}})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "op", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		now := time.Now()
		claims := map[string]any{"iss": p.issuer, "sub": "ottavia-sub", "aud": "alpha-client", "nonce": p.nonce,
			"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "email": "ottavia@alpha.example", "email_verified": true,
			"given_name": "Ottavia", "family_name": "Oidcini"}
		p.mu.Unlock()
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "op"}}, nil)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		tok, err := jwt.Signed(signer).Claims(claims).Serialize()
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "id_token": tok})
	})
	mux.HandleFunc("/revoke", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.revoked = append(p.revoked, r.PostFormValue("token"))
		p.mu.Unlock()
	})
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return p
}

// signIn goes through the provider's sign-in in a new browser and returns
// it with the id of the account it reached (0: none).
func (p *provider) signIn(t *testing.T, w *moduletest.World) (*moduletest.Browser, int64) {
	t.Helper()
	b := w.Browser(t, moduletest.Alpha, "")
	res, err := b.Client.Get(moduletest.Alpha + "/auth/oidc/fake/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	to, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != 302 {
		t.Fatalf("start of the sign-in: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	p.mu.Lock()
	p.nonce = to.Query().Get("nonce")
	p.mu.Unlock()
	res, err = b.Client.Get(moduletest.Alpha + "/auth/oidc/fake/callback?code=c&state=" + url.QueryEscape(to.Query().Get("state")))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 {
		return b, 0
	}
	var id int64
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT user_id FROM user_identities WHERE idp_key = 'fake' AND subject = 'ottavia-sub'").Scan(&id)
	})
	return b, id
}

// TestErasedCannotSignInWithTheirProvider: after her erasure, a person
// who signed in through an identity provider, coming back with the same
// subject and address, does not reach the erased account: she gets a new
// one (sign-up is open), and the erased account stays erased.
func TestErasedCannotSignInWithTheirProvider(t *testing.T) {
	w := moduletest.New(t)
	p := startProvider(t)
	box, err := secret.New(bytes.Repeat([]byte{5}, 32)) // the world's key
	if err != nil {
		t.Fatal(err)
	}
	if err := idp.NewStore(w.DB.DB, box).Add(context.Background(), &idp.IdP{TenantID: w.A.ID, Key: "fake", Issuer: p.issuer,
		ClientID: "alpha-client", ClientSecret: "s"}); err != nil {
		t.Fatal(err)
	}
	before, first := p.signIn(t, w)
	if first == 0 {
		t.Fatal("the first sign-in through the provider failed")
	}
	if code, _ := before.Get(moduletest.Alpha + "/profile"); code != 200 {
		t.Fatalf("the first sign-in's session: %d", code)
	}
	kept := func() int {
		var n int
		_ = w.DB.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM piazza.tenant_idp_tokens WHERE tenant_id = ?", w.A.ID).Scan(&n)
		return n
	}
	if kept() != 1 {
		t.Fatalf("the sign-in's provider tokens are not kept (%d)", kept())
	}
	admin := w.Browser(t, moduletest.Alpha, "admin")
	page := fmt.Sprintf("%s/admin/people/%d/erase", moduletest.Alpha, first)
	if code, _ := admin.Send(page, page, url.Values{"contributions": {"keep"}}); code != 303 {
		t.Fatalf("the erasure answered %d", code)
	}
	// her sign-in is ended at the provider too: its token revoked there,
	// nothing of it kept here
	p.mu.Lock()
	revoked := fmt.Sprint(p.revoked)
	p.mu.Unlock()
	if revoked != "[at]" || kept() != 0 {
		t.Errorf("after the erasure, the provider revoked %s and %d sign-ins' tokens are kept", revoked, kept())
	}
	if code, _ := before.Get(moduletest.Alpha + "/profile"); code == 200 {
		t.Error("the session of before the erasure still works")
	}
	after, second := p.signIn(t, w)
	if second == first {
		t.Fatalf("the same subject signed in to the erased account %d", first)
	}
	if second == 0 {
		t.Fatal("the new sign-in reached no account (sign-up is open: a new one was expected)")
	}
	if code, page := after.Get(moduletest.Alpha + "/profile"); code != 200 || !bytes.Contains([]byte(page), []byte("Ottavia")) {
		t.Errorf("the new account's profile: %d", code)
	}
	if n := count(t, w, "SELECT count(*) FROM users WHERE id = ? AND erased_at IS NOT NULL AND email LIKE 'erased-%@erased.invalid'", first); n != 1 {
		t.Error("the erased account came back")
	}
}
