// Package fedtest runs entities of an OpenID Federation in-process, for
// tests: each serves its signed entity configuration and, as a superior,
// its subordinate statements, on 127.0.0.1.
package fedtest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/piazza-pa/piazza/platform/federation"
)

// Entity is one entity of the federation.
type Entity struct {
	t   testing.TB
	srv *httptest.Server
	key jose.SigningKey
	// Pub is the entity's federation key set.
	Pub jose.JSONWebKeySet
	// Hits counts the fetches of its entity configuration.
	Hits atomic.Int64

	mu    sync.Mutex
	conf  federation.Statement
	subs  map[string]federation.Statement
	forge *jose.SigningKey
	// signedJWKS is the key set served at /signed-jwks (nil: 404), and
	// jwksKey the key signing it (nil: the entity's federation key).
	signedJWKS *jose.JSONWebKeySet
	jwksKey    *jose.SigningKey
}

// Key is a new RSA signing key and its public JWK.
func Key(t testing.TB, kid string) (jose.SigningKey, jose.JSONWebKey) {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: kid, Algorithm: "RS256"}},
		jose.JSONWebKey{Key: &priv.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"}
}

// New starts an entity, stopped when the test ends.
func New(t testing.TB, name string) *Entity {
	e := &Entity{t: t, subs: map[string]federation.Statement{}}
	var pub jose.JSONWebKey
	e.key, pub = Key(t, name)
	e.Pub = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+federation.WellKnown, func(w http.ResponseWriter, r *http.Request) {
		e.Hits.Add(1)
		e.mu.Lock()
		st := e.conf
		e.mu.Unlock()
		st.Issuer, st.Subject, st.JWKS = e.ID(), e.ID(), &e.Pub
		e.write(w, st)
	})
	mux.HandleFunc("GET /fetch", func(w http.ResponseWriter, r *http.Request) {
		sub := r.URL.Query().Get("sub")
		e.mu.Lock()
		st, ok := e.subs[sub]
		e.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		st.Issuer, st.Subject = e.ID(), sub
		e.write(w, st)
	})
	mux.HandleFunc("GET /signed-jwks", e.serveSignedJWKS)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// ID is the entity id.
func (e *Entity) ID() string { return e.srv.URL }

// Anchor is the entity as a trust anchor.
func (e *Entity) Anchor() federation.Anchor { return federation.Anchor{EntityID: e.ID(), JWKS: e.Pub} }

func (e *Entity) write(w http.ResponseWriter, st federation.Statement) {
	if st.ExpiresAt == 0 {
		st.IssuedAt, st.ExpiresAt = time.Now().Unix(), time.Now().Add(time.Hour).Unix()
	}
	e.mu.Lock()
	key := e.key
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

// SetProvider replaces the entity's openid_provider metadata.
func (e *Entity) SetProvider(m map[string]any) {
	e.mu.Lock()
	if e.conf.Metadata == nil {
		e.conf.Metadata = map[string]map[string]any{}
	}
	e.conf.Metadata["openid_provider"] = m
	e.mu.Unlock()
}

// Superior makes e a superior of sub: sub hints at e, and e vouches for
// sub's keys, with policy, at its fetch endpoint.
func (e *Entity) Superior(sub *Entity, policy map[string]map[string]federation.Policy) {
	sub.mu.Lock()
	sub.conf.AuthorityHints = append(sub.conf.AuthorityHints, e.ID())
	sub.mu.Unlock()
	e.mu.Lock()
	if e.conf.Metadata == nil {
		e.conf.Metadata = map[string]map[string]any{}
	}
	e.conf.Metadata["federation_entity"] = map[string]any{"federation_fetch_endpoint": e.ID() + "/fetch"}
	e.subs[sub.ID()] = federation.Statement{JWKS: &sub.Pub, MetadataPolicy: policy}
	e.mu.Unlock()
}

// Forge makes e sign with a key that is not its published one.
func (e *Entity) Forge() {
	k, _ := Key(e.t, e.key.Key.(jose.JSONWebKey).KeyID)
	e.mu.Lock()
	e.forge = &k
	e.mu.Unlock()
}

// Expire makes e's statement about sub one that expired an hour ago.
func (e *Entity) Expire(sub *Entity) {
	e.mu.Lock()
	st := e.subs[sub.ID()]
	st.IssuedAt, st.ExpiresAt = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
	e.subs[sub.ID()] = st
	e.mu.Unlock()
}

// TrustMarkIssuers makes e (a trust anchor) list issuers by trust mark
// type in its configuration.
func (e *Entity) TrustMarkIssuers(issuers map[string][]string) {
	e.mu.Lock()
	e.conf.TrustMarkIssuers = issuers
	e.mu.Unlock()
}

// TrustMark is a trust mark of type typ that e issues to sub, expiring at
// exp (none when zero), signed with e's federation key.
func (e *Entity) TrustMark(sub, typ string, exp time.Time) string {
	claims := map[string]any{"iss": e.ID(), "sub": sub, "trust_mark_type": typ, "iat": time.Now().Unix()}
	if !exp.IsZero() {
		claims["exp"] = exp.Unix()
	}
	return e.jwt("trust-mark+jwt", claims, nil)
}

// SetTrustMarks replaces the trust marks e's configuration holds.
func (e *Entity) SetTrustMarks(marks ...federation.TrustMark) {
	e.mu.Lock()
	e.conf.TrustMarks = marks
	e.mu.Unlock()
}

// SignedJWKS serves keys at e's /signed-jwks, signed with e's federation
// key, or with by when given (a forged set); its URL is returned.
func (e *Entity) SignedJWKS(keys jose.JSONWebKeySet, by *jose.SigningKey) string {
	e.mu.Lock()
	e.signedJWKS, e.jwksKey = &keys, by
	e.mu.Unlock()
	return e.ID() + "/signed-jwks"
}

func (e *Entity) serveSignedJWKS(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	keys, by := e.signedJWKS, e.jwksKey
	e.mu.Unlock()
	if keys == nil {
		http.NotFound(w, r)
		return
	}
	out := e.jwt("jwk-set+jwt", map[string]any{"iss": e.ID(), "sub": e.ID(), "iat": time.Now().Unix(), "keys": keys.Keys}, by)
	w.Header().Set("Content-Type", "application/jwk-set+jwt")
	_, _ = w.Write([]byte(out))
}

// jwt signs claims with e's federation key (or by) as a JWT of type typ.
func (e *Entity) jwt(typ string, claims map[string]any, by *jose.SigningKey) string {
	key := e.key
	if by != nil {
		key = *by
	}
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType(jose.ContentType(typ)))
	if err != nil {
		e.t.Fatal(err)
	}
	body, _ := json.Marshal(claims)
	jws, err := signer.Sign(body)
	if err != nil {
		e.t.Fatal(err)
	}
	out, _ := jws.CompactSerialize()
	return out
}
