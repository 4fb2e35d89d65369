package idp_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// opFront stands before the in-process OpenID provider: it records what
// reaches the revocation endpoint, and, when a test asks for it, answers
// the UserInfo as SPID and CIE do (the provider's own answer, completed
// with attributes, signed with the provider's key and encrypted to the
// tenant's published encryption key), or spoilt in the way the test names.
type opFront struct {
	w  *world
	op http.Handler
	st *opStorage

	mu       sync.Mutex
	userinfo string // "" (the provider's own JSON), "jwe", or a way to spoil it
	revoked  []url.Values
	// revokeDown makes the revocation endpoint answer 503.
	revokeDown bool
}

func (f *opFront) setUserInfo(mode string) {
	f.mu.Lock()
	f.userinfo = mode
	f.mu.Unlock()
}

// revocations are the forms that reached the revocation endpoint.
func (f *opFront) revocations() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.revoked...)
}

func (f *opFront) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	mode := f.userinfo
	f.mu.Unlock()
	switch {
	case r.URL.Path == "/revoke" && r.Method == http.MethodPost:
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		f.mu.Lock()
		f.revoked = append(f.revoked, form)
		down := f.revokeDown
		f.mu.Unlock()
		if down {
			http.Error(rw, "unavailable", http.StatusServiceUnavailable)
			return
		}
		r.Body = io.NopCloser(strings.NewReader(string(body)))
	case r.URL.Path == "/userinfo" && mode != "":
		f.serveUserInfo(rw, r, mode)
		return
	}
	f.op.ServeHTTP(rw, r)
}

// serveUserInfo answers the UserInfo as a SPID/CIE provider, spoilt as mode
// says (mode "jwe": as it should).
func (f *opFront) serveUserInfo(rw http.ResponseWriter, r *http.Request, mode string) {
	rec := httptest.NewRecorder()
	f.op.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK || mode == "status" {
		http.Error(rw, "refused", http.StatusUnauthorized)
		return
	}
	claims := map[string]any{}
	_ = json.Unmarshal(rec.Body.Bytes(), &claims)
	now := time.Now()
	claims["iss"], claims["aud"], claims["iat"], claims["exp"] = f.w.issuer, "piazza-alpha-jwt", now.Unix(), now.Add(3*time.Minute).Unix()
	claims["given_name"], claims["family_name"], claims["email"] = "Mario", "Rossi", "mario.rossi@example.it"
	claims["https://attributes.eid.gov.it/fiscal_number"] = "TINIT-RSSMRA80A01H501U"
	switch mode {
	case "other subject":
		claims["sub"] = "someone-else"
	case "other audience":
		claims["aud"] = "piazza-beta"
	case "other issuer":
		claims["iss"] = "https://evil.example/"
	case "expired":
		claims["iat"], claims["exp"] = now.Add(-time.Hour).Unix(), now.Add(-30*time.Minute).Unix()
	}
	sk, _ := f.st.SigningKey(context.Background())
	key, kid := sk.Key(), sk.ID()
	switch mode {
	case "wrong signing key":
		key, _ = rsa.GenerateKey(rand.Reader, 2048)
	}
	var inner string
	if mode == "unsigned" {
		enc := base64.RawURLEncoding
		h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
		p, _ := json.Marshal(claims)
		inner = enc.EncodeToString(h) + "." + enc.EncodeToString(p) + "."
	} else {
		signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
			(&jose.SignerOptions{}).WithType("JWT").WithContentType("JWT"))
		inner, _ = jwt.Signed(signer).Claims(claims).Serialize()
	}
	rw.Header().Set("Content-Type", "application/jose")
	if mode == "not encrypted" {
		_, _ = io.WriteString(rw, inner)
		return
	}
	to := f.w.encryptionKey()
	if mode == "another recipient" {
		other, _ := rsa.GenerateKey(rand.Reader, 2048)
		to = jose.JSONWebKey{Key: &other.PublicKey, KeyID: to.KeyID}
	}
	enc, _ := jose.NewEncrypter(jose.A256CBC_HS512, jose.Recipient{Algorithm: jose.RSA_OAEP, Key: to.Key, KeyID: to.KeyID},
		(&jose.EncrypterOptions{}).WithContentType("JWT"))
	obj, _ := enc.Encrypt([]byte(inner))
	out, _ := obj.CompactSerialize()
	if mode == "tampered" { // one byte of the ciphertext changed
		parts := strings.Split(out, ".")
		b, _ := base64.RawURLEncoding.DecodeString(parts[3])
		b[len(b)/2] ^= 1
		parts[3] = base64.RawURLEncoding.EncodeToString(b)
		out = strings.Join(parts, ".")
	}
	_, _ = io.WriteString(rw, out)
}

// encryptionKey is alpha's published encryption key.
func (w *world) encryptionKey() jose.JSONWebKey { return w.encryptionKeyOf(w.a.ID) }

// encryptionKeyOf is a tenant's published encryption key.
func (w *world) encryptionKeyOf(tenantID int64) jose.JSONWebKey {
	set, _ := w.keys.JWKS(context.Background(), tenantID)
	for _, k := range set.Keys {
		if k.Use == "enc" {
			return k.Public()
		}
	}
	return jose.JSONWebKey{}
}
