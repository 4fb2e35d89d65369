package federation_test

import (
	"context"
	"strings"
	"testing"

	fed "github.com/piazza-pa/piazza/platform/federation"
)

// The installation as intermediate puts its relying-party metadata policy
// in its statements about its tenants, and a tenant's chain through it
// resolves to the policed metadata (merged with the anchor's policy, by
// the resolver that resolves providers' chains); metadata that breaks the
// policy fails the chain.
func TestIntermediateMetadataPolicy(t *testing.T) {
	policy := map[string]fed.Policy{
		"grant_types":                {"subset_of": []any{"authorization_code"}},
		"token_endpoint_auth_method": {"one_of": []any{"private_key_jwt"}},
		"contacts":                   {"add": []any{"federation@regione.example"}},
	}
	w := newWorldWith(t, policy)
	ctx := context.Background()
	_, _, body := w.get(t, installation+fed.WellKnown)
	inst := verify(t, body, nil)
	_, _, body = w.get(t, installation+fed.FetchPath+"?sub="+alpha)
	sub := verify(t, body, inst.JWKS)
	if got := mustJSON(t, sub.MetadataPolicy); got != mustJSON(t, map[string]map[string]fed.Policy{"openid_relying_party": policy}) {
		t.Fatalf("policy in the statement about alpha: %s", got)
	}
	w.ta.vouch(t, installation, inst.JWKS, map[string]map[string]fed.Policy{"openid_relying_party": {
		"grant_types": {"subset_of": []any{"authorization_code", "refresh_token"}}, "application_type": {"value": "web"}}})
	r := &fed.Resolver{Client: w.client, Anchors: []fed.Anchor{{EntityID: w.ta.id(), JWKS: w.ta.pub}}}
	res, err := r.Resolve(ctx, alpha)
	if err != nil {
		t.Fatal(err)
	}
	rp := res.Metadata["openid_relying_party"]
	// Alpha publishes authorization_code and refresh_token: the
	// installation's policy keeps the first.
	for param, want := range map[string]string{"grant_types": `["authorization_code"]`, "token_endpoint_auth_method": `"private_key_jwt"`,
		"contacts": `["admin@alpha.example","federation@regione.example"]`, "application_type": `"web"`} {
		if got := mustJSON(t, rp[param]); got != want {
			t.Errorf("resolved %s = %s, want %s", param, got, want)
		}
	}

	// A policy alpha's metadata breaks: its chain does not resolve.
	w2 := newWorldWith(t, map[string]fed.Policy{"token_endpoint_auth_method": {"one_of": []any{"client_secret_basic"}}})
	_, _, body = w2.get(t, installation+fed.WellKnown)
	w2.ta.vouch(t, installation, verify(t, body, nil).JWKS, nil)
	r2 := &fed.Resolver{Client: w2.client, Anchors: []fed.Anchor{{EntityID: w2.ta.id(), JWKS: w2.ta.pub}}}
	if _, err := r2.Resolve(ctx, alpha); err == nil || !strings.Contains(err.Error(), "metadata breaks policy") || !strings.Contains(err.Error(), "token_endpoint_auth_method") {
		t.Errorf("metadata breaking the intermediate's policy: %v", err)
	}

	// Policies the installation would issue are checked first.
	for _, bad := range []map[string]fed.Policy{
		{"grant_types": {"subset_of": "authorization_code"}},
		{"grant_types": {"regexp": []any{"x"}}},
		{"token_endpoint_auth_method": {"value": "private_key_jwt", "one_of": []any{"client_secret_basic"}}},
	} {
		c := fed.Config{EntityID: installation, AuthorityHints: []string{w.ta.id()}, RPPolicy: bad}
		if err := c.Check("http", "admin.piazza.test"); err == nil {
			t.Errorf("policy %v accepted", bad)
		}
	}
}
