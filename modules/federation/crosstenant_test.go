package federation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	fed "github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/secret"
)

// swap serves body instead of what host answers at path: a statement an
// attacker puts in the place of a tenant's.
type swap struct {
	next       http.RoundTripper
	host, path string
	body       []byte
}

func (s swap) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != s.host || r.URL.Path != s.path {
		return s.next.RoundTrip(r)
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {fed.StatementType}},
		Body: io.NopCloser(bytes.NewReader(s.body)), Request: r}, nil
}

// rpKeys is the relying-party key set of an entity configuration.
func rpKeys(t *testing.T, st statement) *jose.JSONWebKeySet {
	var set jose.JSONWebKeySet
	must(t, json.Unmarshal([]byte(mustJSON(t, st.Metadata["openid_relying_party"]["jwks"])), &set))
	return &set
}

// verifies says whether jwt verifies with one of keys.
func verifies(jwt string, keys *jose.JSONWebKeySet) bool {
	jws, err := jose.ParseSigned(jwt, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return false
	}
	for _, k := range keys.Keys {
		if _, err := jws.Verify(k); err == nil {
			return true
		}
	}
	return false
}

// Tenant A's keys and statements are no use in tenant B's place: B's entity
// configuration publishes none of A's keys or redirect URIs, a client
// assertion or request object signed with A's key does not verify with
// what B publishes, and a chain for B built on a statement signed with A's
// federation key, or on A's own configuration, does not resolve.
func TestTenantKeysNotAcceptedForAnother(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	box, err := secret.New(bytes.Repeat([]byte{5}, 32))
	must(t, err)
	rp, store := idp.NewKeys(w.db.DB, box), idp.NewStore(w.db.DB, box)
	must(t, store.Add(ctx, &idp.IdP{TenantID: w.b.ID, Key: "cie", Kind: "cie", Label: "CIE", Issuer: "https://idp.example",
		ClientID: beta, ClientAuth: idp.AuthPrivateJWT}))

	_, _, ab := w.get(t, alpha+fed.WellKnown)
	_, _, bb := w.get(t, beta+fed.WellKnown)
	a, b := verify(t, ab, nil), verify(t, bb, nil)
	for _, k := range append(kids(a.JWKS), kids(rpKeys(t, a))...) {
		if slices.Contains(kids(b.JWKS), k) || slices.Contains(kids(rpKeys(t, b)), k) {
			t.Errorf("alpha's key %s published in beta's entity configuration", k)
		}
	}
	if got := mustJSON(t, b.Metadata["openid_relying_party"]["redirect_uris"]); got != `["`+beta+`/auth/oidc/cie/callback"]` {
		t.Errorf("beta's redirect URIs: %s", got)
	}
	if strings.Contains(mustJSON(t, b.Statement), "alpha") {
		t.Errorf("beta's entity configuration names alpha: %s", mustJSON(t, b.Statement))
	}

	// What a provider checks of beta's requests: signed with alpha's key,
	// they do not verify with beta's keys (and do with alpha's).
	alphaKey, err := rp.Signer(ctx, w.a.ID)
	must(t, err)
	assertion, err := idp.ClientAssertion(alphaKey, beta, "https://idp.example/token", "https://idp.example", time.Now())
	must(t, err)
	request, err := idp.RequestObject(alphaKey, idp.AuthRequest{Issuer: "https://idp.example", ClientID: beta,
		RedirectURI: beta + "/auth/oidc/cie/callback", Scope: "openid", State: "s", Nonce: "n", CodeChallenge: "c"}, time.Now())
	must(t, err)
	for name, jwt := range map[string]string{"client assertion": assertion, "request object": request} {
		if verifies(jwt, rpKeys(t, b)) || verifies(jwt, b.JWKS) {
			t.Errorf("a %s signed with alpha's key verifies with beta's published keys", name)
		}
		if !verifies(jwt, rpKeys(t, a)) {
			t.Errorf("the %s does not verify with alpha's keys: the check above proves nothing", name)
		}
	}

	// Chains through the installation, for beta.
	code, _, body := w.get(t, installation+fed.WellKnown)
	if code != 200 {
		t.Fatalf("installation: %d", code)
	}
	inst := verify(t, body, nil)
	w.ta.vouch(t, installation, inst.JWKS, nil)
	anchors := []fed.Anchor{{EntityID: w.ta.id(), JWKS: w.ta.pub}}
	honest := &fed.Resolver{Client: w.client, Anchors: anchors}
	if res, err := honest.Resolve(ctx, beta); err != nil || res.EntityID != beta {
		t.Fatalf("beta's own chain: %v", err)
	}
	// The installation's statement about beta carries beta's keys only.
	_, _, sb := w.get(t, installation+fed.FetchPath+"?sub="+beta)
	if s := verify(t, sb, inst.JWKS); s.Subject != beta || !slices.Equal(kids(s.JWKS), kids(b.JWKS)) {
		t.Errorf("statement about beta: sub %s keys %v (beta's %v)", s.Subject, kids(s.JWKS), kids(b.JWKS))
	}
	alphaFed, err := w.keys.Signer(ctx, w.a.ID)
	must(t, err)
	forged := b.Statement
	forged.JWKS = a.JWKS // self-consistent: it verifies with the keys it carries
	forged.Metadata["openid_relying_party"]["redirect_uris"] = []string{"https://attacker.example/callback"}
	forgedJWT := signStatement(t, alphaFed, forged)
	for name, c := range map[string]struct {
		body []byte
		want string
	}{
		"beta's configuration signed with alpha's federation key": {forgedJWT, "not signed with the keys " + installation + " publishes for it"},
		"alpha's configuration served as beta's":                  {[]byte(ab), "issued by \"" + alpha + "\" about \"" + alpha + "\""},
	} {
		r := &fed.Resolver{Anchors: anchors, Client: &http.Client{Transport: swap{next: w.client.Transport, host: "beta.piazza.test",
			path: fed.WellKnown, body: c.body}}}
		if _, err := r.Resolve(ctx, beta); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.want)
		}
	}
}

// signStatement signs st as an entity statement with key.
func signStatement(t *testing.T, key jose.SigningKey, st fed.Statement) []byte {
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("entity-statement+jwt"))
	must(t, err)
	body, err := json.Marshal(st)
	must(t, err)
	jws, err := signer.Sign(body)
	must(t, err)
	s, err := jws.CompactSerialize()
	must(t, err)
	return []byte(s)
}
