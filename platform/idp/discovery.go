package idp

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
)

type cachedProvider struct {
	p     *provider
	until time.Time
}

// provider is what Piazza knows of an issuer: its endpoints and signing
// keys, from discovery (checked by go-oidc) or, for a provider given by
// entity id, from its verified OpenID Federation trust chain. Every use of
// a provider's metadata goes through it.
type provider struct {
	*gooidc.Provider
	// Revocation and EndSession are the RFC 7009 revocation endpoint and
	// the RP-initiated logout endpoint ("" when not offered).
	Revocation, EndSession string
	// For a provider resolved from a trust chain: its issuer, its keys
	// when the metadata carries them (jwks; nil: jwks_uri), the signing
	// algorithms, and what it supports (nil when the metadata says
	// nothing), which restrict what is asked of it.
	issuer          string
	keys            gooidc.KeySet
	algs            []string
	acrs, scopes    []string
	fromTrustChains bool
}

// verifier checks ID tokens (and signed UserInfo) of the provider.
func (p *provider) verifier(c *gooidc.Config) *gooidc.IDTokenVerifier {
	if p.keys == nil {
		return p.Verifier(c)
	}
	if len(c.SupportedSigningAlgs) == 0 {
		c.SupportedSigningAlgs = p.algs
	}
	return gooidc.NewVerifier(p.issuer, p.keys, c)
}

// supported is asked restricted to what the provider supports (its
// metadata, after the federation's policies), or asked when it says
// nothing or supports none of it.
func supported(asked, offered []string) []string {
	if offered == nil {
		return asked
	}
	var out []string
	for _, a := range asked {
		if slices.Contains(offered, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return asked
	}
	return out
}

// restrict is i asking only the levels and scopes its trust chain says the
// provider supports.
func (p *provider) restrict(i *IdP) *IdP {
	if !p.fromTrustChains {
		return i
	}
	r := *i
	r.ACRValues, r.Scopes = supported(i.ACRValues, p.acrs), supported(i.Scopes, p.scopes)
	return &r
}

func (f *Flow) ctx(ctx context.Context) context.Context {
	if f.Client != nil {
		return gooidc.ClientContext(ctx, f.Client)
	}
	return ctx
}

func (f *Flow) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	return http.DefaultClient
}

func (f *Flow) log() *slog.Logger {
	if f.Log != nil {
		return f.Log
	}
	return slog.Default()
}

// provider returns i's metadata: from its trust chain when it has an
// entity id (kept until the chain expires, at most an hour), else from
// the issuer's discovery (kept an hour; go-oidc checks that the document
// names the same issuer).
func (f *Flow) provider(ctx context.Context, i *IdP) (*provider, error) {
	cacheKey := "issuer:" + i.Issuer
	if i.EntityID != "" {
		cacheKey = "entity:" + i.EntityID
	}
	f.mu.Lock()
	if f.providers == nil {
		f.providers = map[string]cachedProvider{}
	}
	c, ok := f.providers[cacheKey]
	f.mu.Unlock()
	if ok && time.Now().Before(c.until) {
		return c.p, nil
	}
	until := time.Now().Add(discoveryTTL)
	var p *provider
	var err error
	if i.EntityID != "" {
		var exp time.Time
		p, exp, err = f.federated(ctx, i.EntityID)
		until = minTime(until, exp)
	} else {
		p, err = f.discover(ctx, i.Issuer)
	}
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	if len(f.providers) > 1000 {
		f.providers = map[string]cachedProvider{}
	}
	f.providers[cacheKey] = cachedProvider{p: p, until: until}
	f.mu.Unlock()
	return p, nil
}

// forget drops what is kept of i's metadata (and its trust chain), so that
// the next use resolves it again.
func (f *Flow) forget(i *IdP) {
	f.mu.Lock()
	delete(f.providers, "entity:"+i.EntityID)
	f.mu.Unlock()
	if f.Chains != nil {
		f.Chains.Forget(i.EntityID)
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// discover reads the issuer's discovery document.
func (f *Flow) discover(ctx context.Context, issuer string) (*provider, error) {
	gp, err := gooidc.NewProvider(f.ctx(ctx), issuer)
	if err != nil {
		return nil, err
	}
	p := &provider{Provider: gp}
	var extra struct {
		Revocation string `json:"revocation_endpoint"`
		EndSession string `json:"end_session_endpoint"`
	}
	if err := gp.Claims(&extra); err == nil {
		p.Revocation, p.EndSession = extra.Revocation, extra.EndSession
	}
	return p, nil
}

// opMetadata is the part of the resolved openid_provider metadata Piazza
// uses.
type opMetadata struct {
	Issuer        string              `json:"issuer"`
	Authorization string              `json:"authorization_endpoint"`
	Token         string              `json:"token_endpoint"`
	UserInfo      string              `json:"userinfo_endpoint"`
	Revocation    string              `json:"revocation_endpoint"`
	EndSession    string              `json:"end_session_endpoint"`
	JWKSURI       string              `json:"jwks_uri"`
	JWKS          *jose.JSONWebKeySet `json:"jwks"`
	Algs          []string            `json:"id_token_signing_alg_values_supported"`
	ACRs          []string            `json:"acr_values_supported"`
	Scopes        []string            `json:"scopes_supported"`
}

// federated builds the provider from its resolved trust chain; the time is
// when the chain expires.
func (f *Flow) federated(ctx context.Context, entityID string) (*provider, time.Time, error) {
	if f.Chains == nil {
		return nil, time.Time{}, errNoChains
	}
	meta, exp, err := f.Chains.ProviderMetadata(ctx, entityID)
	if err != nil {
		return nil, time.Time{}, err
	}
	b, err := json.Marshal(meta)
	if err != nil {
		return nil, time.Time{}, err
	}
	var m opMetadata
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, time.Time{}, fmt.Errorf("resolved metadata of %s: %w", entityID, err)
	}
	if m.Issuer == "" || m.Authorization == "" || m.Token == "" {
		return nil, time.Time{}, fmt.Errorf("resolved metadata of %s: no issuer, authorization or token endpoint", entityID)
	}
	pc := gooidc.ProviderConfig{IssuerURL: m.Issuer, AuthURL: m.Authorization, TokenURL: m.Token,
		UserInfoURL: m.UserInfo, JWKSURL: m.JWKSURI, Algorithms: m.Algs}
	p := &provider{Provider: pc.NewProvider(f.ctx(ctx)), Revocation: m.Revocation, EndSession: m.EndSession,
		issuer: m.Issuer, algs: m.Algs, acrs: m.ACRs, scopes: m.Scopes, fromTrustChains: true}
	if m.JWKS != nil && len(m.JWKS.Keys) > 0 {
		var keys []crypto.PublicKey
		for _, k := range m.JWKS.Keys {
			if k.Use == "" || k.Use == "sig" {
				keys = append(keys, k.Key)
			}
		}
		p.keys = &gooidc.StaticKeySet{PublicKeys: keys}
	} else if m.JWKSURI == "" {
		return nil, time.Time{}, errors.New("resolved metadata of " + entityID + ": no jwks nor jwks_uri")
	}
	return p, exp, nil
}
