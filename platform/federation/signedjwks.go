package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// signedJWKSTyps are the JOSE types a signed JWKS may carry.
var signedJWKSTyps = map[string]bool{"": true, "JWT": true, "jwk-set+jwt": true}

// signedJWKS replaces the provider's keys in res with those of its
// signed_jwks_uri, when its metadata names one (the SPID/CIE providers
// publish it): a JWT signed with the provider's federation keys (as its
// superior vouches for them), iss = sub = the provider, not expired. A
// signed JWKS that cannot be fetched or does not verify fails the chain;
// without one, the metadata's jwks or jwks_uri stay.
func (r *Resolver) signedJWKS(ctx context.Context, res *Resolved) error {
	op := res.Metadata["openid_provider"]
	u, _ := op["signed_jwks_uri"].(string)
	if u == "" {
		return nil
	}
	fail := func(format string, args ...any) error {
		return &LinkError{Issuer: res.EntityID, Subject: res.EntityID, Reason: "signed_jwks_uri: " + fmt.Sprintf(format, args...)}
	}
	if pu, err := url.Parse(u); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
		return fail("not a URL")
	}
	raw, err := r.get(ctx, u)
	if err != nil {
		return fail("%v", err)
	}
	jws, err := jose.ParseSigned(raw, algorithms)
	if err != nil || len(jws.Signatures) != 1 {
		return fail("not a signed JWT")
	}
	if typ, _ := jws.Signatures[0].Protected.ExtraHeaders["typ"].(string); !signedJWKSTyps[typ] {
		return fail("type %q, not jwk-set+jwt", typ)
	}
	if verifyRaw(raw, res.FederationKeys) != nil {
		return fail("signature does not verify with the federation keys of %s", res.EntityID)
	}
	var c struct {
		jose.JSONWebKeySet
		Issuer  string `json:"iss"`
		Subject string `json:"sub"`
		Exp     int64  `json:"exp"`
	}
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &c); err != nil {
		return fail("unreadable payload")
	}
	switch {
	case c.Issuer != res.EntityID || c.Subject != res.EntityID:
		return fail("issued by %q about %q", c.Issuer, c.Subject)
	case c.Exp != 0 && !r.now().Before(time.Unix(c.Exp, 0)):
		return fail("expired at %s", time.Unix(c.Exp, 0).UTC().Format(time.RFC3339))
	case len(c.Keys) == 0:
		return fail("no keys")
	}
	for _, k := range c.Keys {
		if !k.IsPublic() {
			return fail("holds a private key")
		}
	}
	op["jwks"] = jose.JSONWebKeySet{Keys: c.Keys}
	delete(op, "jwks_uri")
	if c.Exp != 0 && time.Unix(c.Exp, 0).Before(res.Expires) {
		res.Expires = time.Unix(c.Exp, 0)
	}
	return nil
}
