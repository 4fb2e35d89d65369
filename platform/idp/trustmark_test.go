package idp_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/idp/fedtest"
)

// spidMark is the trust mark type of a SPID OpenID provider.
const spidMark = "https://registry.spid.gov.it/openid_provider/public"

// withTrustMarks makes f's anchor list a trust mark issuer (itself a
// subordinate of the anchor) for spidMark, and require that mark of
// providers.
func withTrustMarks(t *testing.T, w *world, f *spidFed) *fedtest.Entity {
	tmi := fedtest.New(t, "tmi")
	f.ta.Superior(tmi, nil)
	f.ta.TrustMarkIssuers(map[string][]string{spidMark: {tmi.ID()}})
	w.chains.Anchors[0].RequiredTrustMarks = []string{spidMark}
	return tmi
}

// signJWT signs claims with key, as a forger would.
func signJWT(t *testing.T, key jose.SigningKey, typ string, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType(jose.ContentType(typ)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(claims)
	jws, err := signer.Sign(body)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := jws.CompactSerialize()
	return s
}

// A trust anchor that requires a trust mark of providers refuses one that
// does not hold it verified: it cannot be added, and the admin reads why.
func TestTrustMarkRequired(t *testing.T) {
	hour := time.Now().Add(time.Hour)
	cases := []struct {
		name string
		mark func(t *testing.T, f *spidFed, tmi *fedtest.Entity) string
		want string
	}{
		{"none", func(*testing.T, *spidFed, *fedtest.Entity) string { return "" }, "required by trust anchor %TA%: not held"},
		{"expired", func(_ *testing.T, f *spidFed, tmi *fedtest.Entity) string {
			return tmi.TrustMark(f.op.ID(), spidMark, time.Now().Add(-time.Minute))
		}, "expired at"},
		{"issued to another entity", func(_ *testing.T, f *spidFed, tmi *fedtest.Entity) string {
			return tmi.TrustMark("https://other.example", spidMark, hour)
		}, "is issued to"},
		{"issuer not listed", func(_ *testing.T, f *spidFed, _ *fedtest.Entity) string {
			return f.op.TrustMark(f.op.ID(), spidMark, hour) // self-issued
		}, "does not list as its issuer"},
		{"forged signature", func(t *testing.T, f *spidFed, tmi *fedtest.Entity) string {
			key, _ := fedtest.Key(t, "tmi")
			return signJWT(t, key, "trust-mark+jwt", map[string]any{"iss": tmi.ID(), "sub": f.op.ID(), "trust_mark_type": spidMark, "exp": hour.Unix()})
		}, "signature does not verify with the keys of its issuer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			f := newSpidFed(t, w)
			tmi := withTrustMarks(t, w, f)
			if m := c.mark(t, f, tmi); m != "" {
				f.op.SetTrustMarks(federation.TrustMark{Type: spidMark, JWT: m})
			}
			_, err := spidByEntityID(t, w, f.op.ID())
			want := strings.ReplaceAll(c.want, "%TA%", f.ta.ID())
			var chain *idp.ChainError
			if !errors.As(err, &chain) || !strings.Contains(chain.Reason, "trust mark "+spidMark) || !strings.Contains(chain.Reason, want) {
				t.Fatalf("add: %v\nwant a chain error saying %q", err, want)
			}
			if _, err := w.store.Get(context.Background(), w.a.ID, "spid"); !errors.Is(err, idp.ErrNotFound) {
				t.Fatalf("a provider was stored: %v", err)
			}
		})
	}
}

// With the required trust mark, issued by the listed issuer, the provider
// is added and signs a person in; once its trust mark is gone, a sign-in
// through it ends on a page that says why, with no session.
func TestTrustMarkSignIn(t *testing.T) {
	w := newWorld(t)
	w.op.setUserInfo("jwe")
	f := newSpidFed(t, w)
	tmi := withTrustMarks(t, w, f)
	f.op.SetTrustMarks(federation.TrustMark{Type: spidMark, JWT: tmi.TrustMark(f.op.ID(), spidMark, time.Now().Add(time.Hour))})
	if _, err := spidByEntityID(t, w, f.op.ID()); err != nil {
		t.Fatal(err)
	}
	res, err := w.chains.Resolve(context.Background(), f.op.ID())
	if err != nil || len(res.TrustMarks) != 1 || res.TrustMarks[0].Type != spidMark || res.TrustMarks[0].Issuer != tmi.ID() {
		t.Fatalf("resolved trust marks: %+v %v", res, err)
	}
	// The chain is kept no longer than the required trust mark is valid.
	if res.Expires.After(time.Now().Add(time.Hour)) {
		t.Errorf("chain kept until %s, after its trust mark expires", res.Expires)
	}
	// The trust mark is withdrawn before anyone signed in.
	f.op.SetTrustMarks()
	w.chains.Forget(f.op.ID())
	c := w.browser()
	p := get(t, c, "http://alpha.piazza.test/auth/oidc/spid/login")
	if p.status != 403 || !strings.Contains(p.body, "Accesso negato") || !strings.Contains(p.body, "federazione SPID/CIE non è verificata") {
		t.Fatalf("sign-in without the trust mark: %d %s", p.status, p.body)
	}
	if strings.Contains(p.body, f.ta.ID()) || strings.Contains(p.body, "goroutine") {
		t.Errorf("internals shown to the person signing in: %s", p.body)
	}
	if home := get(t, c, "http://alpha.piazza.test/"); !strings.Contains(home.body, "/auth/login") {
		t.Error("a session was created")
	}
	if logs := w.logs.String(); !strings.Contains(logs, "trust mark "+spidMark+" required") {
		t.Errorf("the reason is not logged for the operators:\n%s", logs)
	}
	// The trust mark is back: the person signs in.
	f.op.SetTrustMarks(federation.TrustMark{Type: spidMark, JWT: tmi.TrustMark(f.op.ID(), spidMark, time.Now().Add(time.Hour))})
	w.chains.Forget(f.op.ID())
	reqID, _ := toIdP(t, c, "http://alpha.piazza.test/auth/oidc/spid/login")
	if p := get(t, c, w.atIdP(t, c, reqID)); p.status != 303 {
		t.Fatalf("callback: %d %s", p.status, p.body)
	}
	if home := get(t, c, "http://alpha.piazza.test/"); !strings.Contains(home.body, "Mario Rossi") {
		t.Fatalf("not signed in: %s", home.body)
	}
}

// A provider whose metadata names a signed_jwks_uri is trusted with the
// keys of that signed set (signed with its federation keys), not with the
// metadata's jwks; a set signed with another key refuses the provider.
func TestSignedJWKSURI(t *testing.T) {
	w := newWorld(t)
	w.op.setUserInfo("jwe")
	f := newSpidFed(t, w)
	var real jose.JSONWebKeySet
	b, _ := json.Marshal(f.meta["jwks"])
	if err := json.Unmarshal(b, &real); err != nil {
		t.Fatal(err)
	}
	_, stale := fedtest.Key(t, "stale")
	f.meta["jwks"] = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{stale}}
	forger, _ := fedtest.Key(t, "op")
	f.meta["signed_jwks_uri"] = f.op.SignedJWKS(real, &forger)
	f.op.SetProvider(f.meta)
	_, err := spidByEntityID(t, w, f.op.ID())
	var chain *idp.ChainError
	if !errors.As(err, &chain) || !strings.Contains(chain.Reason, "signed_jwks_uri: signature does not verify with the federation keys of "+f.op.ID()) {
		t.Fatalf("add with a forged signed JWKS: %v", err)
	}
	// Signed with the provider's federation key: its keys are used.
	f.op.SignedJWKS(real, nil)
	w.chains.Forget(f.op.ID())
	i := &idp.IdP{TenantID: w.a.ID, Key: "spid", Label: "SPID", Kind: "spid", EntityID: f.op.ID(), ClientID: "piazza-alpha-jwt",
		ClientAuth: idp.AuthPrivateJWT, ACRValues: []string{"https://www.spid.gov.it/SpidL2"}}
	if err := w.store.Add(context.Background(), i); err != nil {
		t.Fatal(err)
	}
	before := f.op.Hits.Load()
	c := w.browser()
	reqID, _ := toIdP(t, c, "http://alpha.piazza.test/auth/oidc/spid/login")
	if p := get(t, c, w.atIdP(t, c, reqID)); p.status != 303 {
		t.Fatalf("callback: %d %s", p.status, p.body)
	}
	if home := get(t, c, "http://alpha.piazza.test/"); !strings.Contains(home.body, "Mario Rossi") {
		t.Fatalf("not signed in: %s", home.body)
	}
	if n := f.op.Hits.Load() - before; n != 0 {
		t.Errorf("the chain was resolved again %d times: the stale jwks were used", n)
	}
}
