package idp

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
)

type cachedProvider struct {
	p  *provider
	at time.Time
}

// provider is what Piazza knows of an issuer: its discovery (endpoints and
// signing keys, checked by go-oidc) and the endpoints go-oidc does not keep.
// Every use of a provider's metadata goes through it, so that it may later
// come from an OpenID Federation trust chain instead of discovery.
type provider struct {
	*gooidc.Provider
	// Revocation and EndSession are the RFC 7009 revocation endpoint and
	// the RP-initiated logout endpoint ("" when not offered).
	Revocation, EndSession string
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

// provider returns the issuer's discovery, cached for an hour (go-oidc
// checks that the document names the same issuer).
func (f *Flow) provider(ctx context.Context, issuer string) (*provider, error) {
	f.mu.Lock()
	if f.providers == nil {
		f.providers = map[string]cachedProvider{}
	}
	c, ok := f.providers[issuer]
	f.mu.Unlock()
	if ok && time.Since(c.at) < discoveryTTL {
		return c.p, nil
	}
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
	f.mu.Lock()
	if len(f.providers) > 1000 {
		f.providers = map[string]cachedProvider{}
	}
	f.providers[issuer] = cachedProvider{p: p, at: time.Now()}
	f.mu.Unlock()
	return p, nil
}
