package idp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/secret"
)

func TestStore(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	base := func() *idp.IdP {
		return &idp.IdP{TenantID: w.a.ID, Key: "keycloak", Issuer: "https://sso.regione.example.it/realms/pa", ClientID: "piazza", ClientSecret: "s3cr3t-value"}
	}
	bad := []struct {
		field string
		edit  func(*idp.IdP)
	}{
		{"key", func(i *idp.IdP) { i.Key = "Bad Key" }},
		{"kind", func(i *idp.IdP) { i.Kind = "saml" }},
		{"issuer", func(i *idp.IdP) { i.Issuer = "http://sso.regione.example.it" }},
		{"issuer", func(i *idp.IdP) { i.Issuer = "not a url" }},
		{"client id", func(i *idp.IdP) { i.ClientID = " " }},
		{"client secret", func(i *idp.IdP) { i.ClientSecret = "" }},
		{"client secret", func(i *idp.IdP) { i.ClientAuth = idp.AuthPrivateJWT }},
		{"client authentication", func(i *idp.IdP) { i.ClientAuth = "tls_client_auth" }},
		{"scopes", func(i *idp.IdP) { i.Scopes = []string{"profile"} }},
		{"acr values", func(i *idp.IdP) { i.ACRValues = []string{"SpidL2"} }},
		{"link by", func(i *idp.IdP) { i.LinkBy = "name" }},
	}
	for _, b := range bad {
		i := base()
		b.edit(i)
		if err := w.store.Add(ctx, i); !errors.Is(err, platform.ErrInvalid) || !strings.HasPrefix(err.Error(), b.field+":") {
			t.Errorf("%s: got %v", b.field, err)
		}
	}
	if err := w.store.Add(ctx, base()); err != nil {
		t.Fatal(err)
	}
	if err := w.store.Add(ctx, base()); !errors.Is(err, idp.ErrExists) {
		t.Fatalf("duplicate key: %v", err)
	}
	var raw []byte
	if err := w.d.Admin(t).QueryRow(ctx, "SELECT client_secret FROM piazza.tenant_idps WHERE key = 'keycloak'").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("s3cr3t-value")) || len(raw) == 0 {
		t.Fatal("the client secret is stored in the clear")
	}
	box, _ := secret.New(bytes.Repeat([]byte{9}, 32))
	if _, err := box.Open(raw, "idp:"+w.b.Domain()+":keycloak"); err == nil {
		t.Fatal("the sealed secret opens under another tenant's context")
	}
	got, err := w.store.Get(ctx, w.a.ID, "keycloak")
	if err != nil || got.ClientSecret != "s3cr3t-value" || got.LinkBy != "email" {
		t.Fatalf("get: %+v %v", got, err)
	}
	list, err := w.store.List(ctx, w.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range list {
		if i.ClientSecret != "" {
			t.Fatal("List exposes a secret")
		}
	}
	if _, err := w.store.Get(ctx, w.b.ID, "keycloak"); !errors.Is(err, idp.ErrNotFound) {
		t.Fatalf("alpha's IdP read as beta's: %v", err)
	}
	if err := w.store.SetEnabled(ctx, w.b.ID, "keycloak", false); !errors.Is(err, idp.ErrNotFound) {
		t.Fatalf("beta disables alpha's IdP: %v", err)
	}
	upd := base()
	upd.ClientSecret, upd.Label, upd.Scopes = "", "Keycloak regionale", []string{"openid", "email"}
	if err := w.store.Update(ctx, upd); err != nil {
		t.Fatal(err)
	}
	if got, err := w.store.Get(ctx, w.a.ID, "keycloak"); err != nil || got.Label != "Keycloak regionale" || got.ClientSecret != "s3cr3t-value" || len(got.Scopes) != 2 {
		t.Fatalf("after update: %+v %v", got, err)
	}
	other := base()
	other.TenantID = w.b.ID
	if err := w.store.Update(ctx, other); !errors.Is(err, idp.ErrNotFound) {
		t.Fatalf("beta updates alpha's IdP: %v", err)
	}
	if err := w.store.SetEnabled(ctx, w.a.ID, "keycloak", false); err != nil {
		t.Fatal(err)
	}
	// A disabled IdP cannot start a sign-in.
	if p := get(t, w.browser(), "http://alpha.piazza.test/auth/oidc/keycloak/login"); p.status != 404 {
		t.Fatalf("disabled IdP: %d", p.status)
	}
}

func TestKeysAndJOSE(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	first, err := w.keys.JWKS(ctx, w.a.ID)
	if err != nil || len(first.Keys) != 2 {
		t.Fatalf("provisioning gave %d keys (%v)", len(first.Keys), err)
	}
	// A signing key, then an encryption key for the SPID/CIE UserInfo.
	if k := first.Keys[0]; k.Use != "sig" || k.Algorithm != "RS256" {
		t.Fatalf("first key: use %q alg %q", k.Use, k.Algorithm)
	}
	if k := first.Keys[1]; k.Use != "enc" || k.Algorithm != "RSA-OAEP-256" || k.KeyID == first.Keys[0].KeyID {
		t.Fatalf("second key: use %q alg %q kid %q", k.Use, k.Algorithm, k.KeyID)
	}
	// Each tenant publishes its own key only.
	pa := get(t, w.browser(), "http://alpha.piazza.test/.well-known/jwks.json")
	pb := get(t, w.browser(), "http://beta.piazza.test/.well-known/jwks.json")
	if !strings.Contains(pa.body, first.Keys[0].KeyID) || strings.Contains(pb.body, first.Keys[0].KeyID) ||
		!strings.Contains(pa.body, first.Keys[1].KeyID) || strings.Contains(pb.body, first.Keys[1].KeyID) {
		t.Fatalf("alpha's key published at beta, or not at alpha:\n%s\n%s", pa.body, pb.body)
	}
	signer, err := w.keys.Signer(ctx, w.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	assertion, err := idp.ClientAssertion(signer, "client-1", "https://op.example/token", "https://op.example", now)
	if err != nil {
		t.Fatal(err)
	}
	var claims jwt.Claims
	tok, err := jwt.ParseSigned(assertion, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || tok.Claims(first.Keys[0].Public().Key, &claims) != nil {
		t.Fatalf("assertion does not verify with the published key: %v", err)
	}
	if claims.Issuer != "client-1" || claims.Subject != "client-1" || !claims.Audience.Contains("https://op.example/token") || claims.ID == "" ||
		claims.Expiry.Time().Sub(now) > 5*time.Minute {
		t.Fatalf("assertion claims %+v", claims)
	}
	ro, err := idp.RequestObject(signer, idp.AuthRequest{Issuer: "https://op.example", ClientID: "client-1", RedirectURI: "https://a/cb",
		Scope: "openid", State: "st", Nonce: "no", CodeChallenge: "cc", ACRValues: "https://www.spid.gov.it/SpidL2", Prompt: "consent login",
		Claims: idp.ClaimsRequest([]string{"given_name", "fiscal_number"})}, now)
	if err != nil {
		t.Fatal(err)
	}
	rtok, _ := jwt.ParseSigned(ro, []jose.SignatureAlgorithm{jose.RS256})
	m := map[string]any{}
	if err := rtok.Claims(first.Keys[0].Public().Key, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"iss": "client-1", "aud": "https://op.example", "client_id": "client-1", "response_type": "code",
		"redirect_uri": "https://a/cb", "state": "st", "nonce": "no", "code_challenge": "cc", "code_challenge_method": "S256",
		"acr_values": "https://www.spid.gov.it/SpidL2", "prompt": "consent login", "scope": "openid"} {
		if m[k] != v {
			t.Errorf("request object %s = %v, want %s", k, m[k], v)
		}
	}
	if got, _ := json.Marshal(m["claims"]); string(got) != `{"userinfo":{"given_name":null,"https://attributes.eid.gov.it/fiscal_number":null}}` {
		t.Errorf("request object claims = %s", got)
	}
	// Something encrypted to the published encryption key opens.
	oldEnc := first.Keys[1]
	sealed := encryptTo(t, oldEnc, "before rotation")
	if got, err := w.keys.OpenJWE(ctx, w.a.ID, sealed); err != nil || got != "before rotation" {
		t.Fatalf("open with the current key: %q %v", got, err)
	}
	if _, err := w.keys.OpenJWE(ctx, w.b.ID, sealed); err == nil {
		t.Fatal("beta opened what was encrypted to alpha")
	}
	// Rotation: old and new keys published; the new ones sign and decrypt,
	// the old encryption key still opens what was sent just before.
	kid, encKID, err := w.keys.Rotate(ctx, w.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := w.keys.JWKS(ctx, w.a.ID)
	if len(set.Keys) != 4 || set.Keys[0].KeyID != kid || set.Keys[2].KeyID != encKID || set.Keys[3].KeyID != oldEnc.KeyID {
		t.Fatalf("after rotation: %d keys, first %s, want %s", len(set.Keys), set.Keys[0].KeyID, kid)
	}
	if s, _ := w.keys.Signer(ctx, w.a.ID); s.Key.(jose.JSONWebKey).KeyID != kid {
		t.Fatal("the rotated key does not sign")
	}
	if got, err := w.keys.OpenJWE(ctx, w.a.ID, sealed); err != nil || got != "before rotation" {
		t.Fatalf("open with the retired key within the overlap: %q %v", got, err)
	}
	if got, err := w.keys.OpenJWE(ctx, w.a.ID, encryptTo(t, set.Keys[2], "after")); err != nil || got != "after" {
		t.Fatalf("open with the new key: %q %v", got, err)
	}
	for _, table := range []string{"tenant_rp_keys", "tenant_rp_enc_keys"} {
		if _, err := w.d.Admin(t).Exec(ctx, "UPDATE piazza."+table+" SET retired_at = now() - interval '2 days' WHERE retired_at IS NOT NULL"); err != nil {
			t.Fatal(err)
		}
	}
	if set, _ = w.keys.JWKS(ctx, w.a.ID); len(set.Keys) != 2 {
		t.Fatalf("a key retired two days ago is still published (%d keys)", len(set.Keys))
	}
	if _, err := w.keys.OpenJWE(ctx, w.a.ID, sealed); !errors.Is(err, idp.ErrNoKey) {
		t.Fatalf("a key retired two days ago still decrypts: %v", err)
	}
	for _, k := range set.Keys {
		if !k.IsPublic() {
			t.Fatal("JWKS publishes a private key")
		}
	}
}

func TestNormalizeFiscalNumber(t *testing.T) {
	for in, want := range map[string]string{
		"TINIT-RSSMRA80A01H501U": "RSSMRA80A01H501U", "tinit-rssmra80a01h501u": "RSSMRA80A01H501U",
		"RSSMRA80A01H501U": "RSSMRA80A01H501U", "TINIT-123": "", "": "", "TINIT-RSSMRA80A01H501U; DROP": "",
	} {
		if got := idp.NormalizeFiscalNumber(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

// Remove deletes one tenant's provider only: the same key of another
// tenant stays, and a key that is not there is not found.
func TestStoreRemove(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if err := w.store.Remove(ctx, w.b.ID, "spid"); !errors.Is(err, idp.ErrNotFound) {
		t.Fatalf("removing alpha's key from beta: %v", err)
	}
	if err := w.store.Remove(ctx, w.a.ID, "regione"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.Get(ctx, w.a.ID, "regione"); !errors.Is(err, idp.ErrNotFound) {
		t.Fatalf("alpha's provider after removal: %v", err)
	}
	if _, err := w.store.Get(ctx, w.b.ID, "regione"); err != nil {
		t.Fatalf("beta's provider of the same key: %v", err)
	}
	if err := w.store.Remove(ctx, w.a.ID, "regione"); !errors.Is(err, idp.ErrNotFound) {
		t.Fatalf("removing twice: %v", err)
	}
}

// encryptTo encrypts plain to the public key k as a SPID/CIE provider
// would (RSA-OAEP, A256CBC-HS512, kid in the header).
func encryptTo(t *testing.T, k jose.JSONWebKey, plain string) string {
	t.Helper()
	enc, err := jose.NewEncrypter(jose.A256CBC_HS512, jose.Recipient{Algorithm: jose.RSA_OAEP, Key: k.Public().Key, KeyID: k.KeyID},
		(&jose.EncrypterOptions{}).WithContentType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := enc.Encrypt([]byte(plain))
	if err != nil {
		t.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A tenant provisioned before encryption keys existed gets one at its first
// JWKS request (one only, however many requests), and then decrypts.
func TestEncryptionKeyForOlderTenants(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if _, err := w.d.Admin(t).Exec(ctx, "DELETE FROM piazza.tenant_rp_enc_keys WHERE tenant_id = "+strconv.FormatInt(w.a.ID, 10)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.keys.OpenJWE(ctx, w.a.ID, encryptTo(t, w.encryptionKeyOf(w.b.ID), "x")); err == nil {
		t.Fatal("alpha, without an encryption key, opened what was sent to beta")
	}
	for range 2 {
		if p := get(t, w.browser(), "http://alpha.piazza.test/.well-known/jwks.json"); p.status != 200 || !strings.Contains(p.body, `"use":"enc"`) {
			t.Fatalf("jwks: %d %s", p.status, p.body)
		}
	}
	var n int
	if err := w.d.Admin(t).QueryRow(ctx, "SELECT count(*) FROM piazza.tenant_rp_enc_keys WHERE tenant_id = $1", w.a.ID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("encryption keys made: %d %v", n, err)
	}
	if got, err := w.keys.OpenJWE(ctx, w.a.ID, encryptTo(t, w.encryptionKey(), "hello")); err != nil || got != "hello" {
		t.Fatalf("open with the new key: %q %v", got, err)
	}
}
