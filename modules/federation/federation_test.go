package federation_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	fedmod "github.com/piazza-pa/piazza/modules/federation"
	"github.com/piazza-pa/piazza/platform/dbtest"
	fed "github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

const (
	alpha        = "http://alpha.piazza.test"
	beta         = "http://beta.piazza.test"
	installation = "http://admin.piazza.test"
)

// world is a server with two tenants (alpha also on www.alpha.example,
// with an identity provider), the installation as intermediate under a
// trust anchor served on 127.0.0.1, and a client that reaches them all.
type world struct {
	reg    *tenant.Registry
	db     *dbtest.DB
	keys   *fed.Keys
	a, b   *tenant.Tenant
	client *http.Client
	ta     *anchor
}

func newWorld(t *testing.T) *world { return newWorldWith(t, nil) }

// newWorldWith is newWorld with the installation's relying-party metadata
// policy rpPolicy.
func newWorldWith(t *testing.T, rpPolicy map[string]fed.Policy) *world {
	ctx := context.Background()
	db := dbtest.New(t)
	w := &world{db: db}
	var err error
	w.reg, err = tenant.NewRegistry(ctx, db.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test"})
	must(t, err)
	w.a, err = w.reg.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Comune di Alpha", Hosts: []string{"www.alpha.example"}, AdminEmail: "admin@alpha.example"})
	must(t, err)
	w.b, err = w.reg.Create(ctx, tenant.CreateParams{Slug: "beta", Name: "Comune di Beta"})
	must(t, err)
	box, err := secret.New(bytes.Repeat([]byte{5}, 32))
	must(t, err)
	rp, store := idp.NewKeys(db.DB, box), idp.NewStore(db.DB, box)
	for _, tn := range []*tenant.Tenant{w.a, w.b} {
		_, err := rp.Generate(ctx, db.DB, tn.ID)
		must(t, err)
	}
	must(t, store.Add(ctx, &idp.IdP{TenantID: w.a.ID, Key: "spid", Kind: "spid", Label: "SPID", Issuer: "https://idp.example",
		ClientID: alpha, ClientAuth: idp.AuthPrivateJWT}))
	w.ta = newAnchor(t)
	w.keys = fed.NewKeys(db.DB, box)
	svc := &fed.Service{Keys: w.keys, RPKeys: rp, IdPs: store, Scheme: "http",
		Config: fed.Config{EntityID: installation, AuthorityHints: []string{w.ta.id()}, Organization: "Regione", RPPolicy: rpPolicy}}
	srv, err := web.New(web.Config{OperatorHost: "admin.piazza.test", DB: db.DB, Tenant: tenant.Middleware(tenant.NewResolver(w.reg)),
		TenantModules: []web.Module{fedmod.New(svc)}, OperatorModules: []web.Module{fedmod.Intermediate{Service: svc, Registry: w.reg}}})
	must(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	sctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() { _ = srv.Serve(sctx, ln) }()
	piazza := ln.Addr().String()
	dialer := &net.Dialer{}
	w.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" {
				addr = piazza // every name of the test is Piazza's
			}
			return dialer.DialContext(ctx, network, addr)
		}}}
	w.ta.client = w.client
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) get(t *testing.T, u string) (int, string, string) {
	t.Helper()
	res, err := w.client.Get(u)
	must(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

// statement is a statement's payload, verified with keys (its own when nil).
type statement struct {
	fed.Statement
	kid string
}

func verify(t *testing.T, jwt string, keys *jose.JSONWebKeySet) statement {
	t.Helper()
	jws, err := jose.ParseSigned(jwt, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("not a signed statement: %v: %.200s", err, jwt)
	}
	if typ := jws.Signatures[0].Protected.ExtraHeaders["typ"]; typ != "entity-statement+jwt" {
		t.Errorf("typ %v", typ)
	}
	var st statement
	must(t, json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &st.Statement))
	if keys == nil {
		keys = st.JWKS
	}
	st.kid = jws.Signatures[0].Header.KeyID
	found := keys.Key(st.kid)
	if len(found) != 1 {
		t.Fatalf("the signing key %q is not in the key set", st.kid)
	}
	if _, err := jws.Verify(found[0]); err != nil {
		t.Fatalf("signature: %v", err)
	}
	if now := time.Now().Unix(); st.IssuedAt > now+5 || st.ExpiresAt < now+23*3600 {
		t.Errorf("iat %d exp %d (now %d)", st.IssuedAt, st.ExpiresAt, now)
	}
	return st
}

func kids(set *jose.JSONWebKeySet) []string {
	var out []string
	for _, k := range set.Keys {
		out = append(out, k.KeyID)
	}
	return out
}

func TestTenantEntityConfiguration(t *testing.T) {
	w := newWorld(t)
	code, ctype, body := w.get(t, alpha+fed.WellKnown)
	if code != 200 || ctype != fed.StatementType {
		t.Fatalf("%d %s: %.300s", code, ctype, body)
	}
	st := verify(t, body, nil) // self-signed
	if st.Issuer != alpha || st.Subject != alpha {
		t.Errorf("iss %s sub %s", st.Issuer, st.Subject)
	}
	if !slices.Equal(st.AuthorityHints, []string{installation}) {
		t.Errorf("authority hints %v", st.AuthorityHints)
	}
	rp := st.Metadata["openid_relying_party"]
	want := []any{alpha + "/auth/oidc/spid/callback", "http://www.alpha.example/auth/oidc/spid/callback"}
	if got, _ := rp["redirect_uris"].([]any); !slices.Equal(got, want) {
		t.Errorf("redirect URIs %v, want %v", got, want)
	}
	if strings.Contains(body, "beta") || strings.Contains(mustJSON(t, st.Statement), "beta") {
		t.Error("alpha's statement names beta")
	}
	for k, v := range map[string]any{"client_id": alpha, "token_endpoint_auth_method": "private_key_jwt", "client_name": "Comune di Alpha"} {
		if rp[k] != v {
			t.Errorf("%s = %v, want %v", k, rp[k], v)
		}
	}
	if got := mustJSON(t, rp["client_registration_types"]) + mustJSON(t, rp["contacts"]); got != `["automatic"]["admin@alpha.example"]` {
		t.Errorf("registration types and contacts: %s", got)
	}
	var rpKeys jose.JSONWebKeySet
	must(t, json.Unmarshal([]byte(mustJSON(t, rp["jwks"])), &rpKeys))
	// The relying party's keys: one signing (request objects, client
	// assertions), one encryption (the providers' UserInfo), neither a
	// federation key.
	uses := map[string]int{}
	for _, k := range rpKeys.Keys {
		uses[k.Use]++
		if slices.Contains(kids(st.JWKS), k.KeyID) {
			t.Errorf("relying-party key %s is also a federation key %v", k.KeyID, kids(st.JWKS))
		}
	}
	if uses["sig"] != 1 || uses["enc"] != 1 || len(rpKeys.Keys) != 2 {
		t.Errorf("relying-party keys %v by use %v, want one sig and one enc", kids(&rpKeys), uses)
	}

	// Every host of the tenant answers with the same entity.
	code, _, other := w.get(t, "http://www.alpha.example"+fed.WellKnown)
	if code != 200 || verify(t, other, nil).Issuer != alpha {
		t.Errorf("on www.alpha.example: %d %.200s", code, other)
	}
	// Beta's is beta's, with none of alpha's hosts or keys.
	_, _, bbody := w.get(t, beta+fed.WellKnown)
	bst := verify(t, bbody, nil)
	if bst.Issuer != beta || strings.Contains(mustJSON(t, bst.Statement), "alpha") || slices.Equal(kids(bst.JWKS), kids(st.JWKS)) {
		t.Errorf("beta's statement: %s", mustJSON(t, bst.Statement))
	}
	if code, _, _ := w.get(t, "http://nowhere.piazza.test"+fed.WellKnown); code != 404 {
		t.Errorf("unknown host: %d", code)
	}
	_, err := w.reg.Suspend(context.Background(), "beta")
	must(t, err)
	if code, _, _ := w.get(t, beta+fed.WellKnown); code != 503 {
		t.Errorf("suspended tenant: %d", code)
	}

	// A rotation publishes the next key at once; the current one signs
	// until the next one's time comes, then stays published.
	next, from, err := w.keys.Rotate(context.Background(), w.a.ID, fed.Prepublish)
	must(t, err)
	_, _, body = w.get(t, alpha+fed.WellKnown)
	rot := verify(t, body, nil)
	if rot.kid != st.kid || !slices.Equal(kids(rot.JWKS), []string{next, st.kid}) || time.Until(from) < 23*time.Hour {
		t.Errorf("after a planned rotation: signed by %s with keys %v (next %s from %s, current %s)", rot.kid, kids(rot.JWKS), next, from, st.kid)
	}
	now, _, err := w.keys.Rotate(context.Background(), w.a.ID, 0)
	must(t, err)
	_, _, body = w.get(t, alpha+fed.WellKnown)
	rot = verify(t, body, nil)
	if rot.kid != now || !slices.Equal(kids(rot.JWKS), []string{next, now, st.kid}) {
		t.Errorf("after an immediate rotation: signed by %s with keys %v (next %s, now %s, old %s)", rot.kid, kids(rot.JWKS), next, now, st.kid)
	}
	// Three days later, the first key, superseded for more than the
	// overlap, is no longer published.
	_, err = w.db.DB.ExecContext(context.Background(), `UPDATE piazza.federation_keys SET active_from = active_from - interval '72 hours' WHERE kid IN (?, ?)`, st.kid, now)
	must(t, err)
	_, _, body = w.get(t, alpha+fed.WellKnown)
	if rot = verify(t, body, nil); rot.kid != now || !slices.Equal(kids(rot.JWKS), []string{next, now}) {
		t.Errorf("after the overlap: signed by %s with keys %v", rot.kid, kids(rot.JWKS))
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	must(t, err)
	return string(b)
}

func TestInstallationAsIntermediate(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	code, ctype, body := w.get(t, installation+fed.WellKnown)
	if code != 200 || ctype != fed.StatementType {
		t.Fatalf("%d %s %.200s", code, ctype, body)
	}
	inst := verify(t, body, nil)
	if inst.Issuer != installation || inst.Metadata["federation_entity"]["federation_fetch_endpoint"] != installation+fed.FetchPath ||
		!slices.Equal(inst.AuthorityHints, []string{w.ta.id()}) {
		t.Errorf("installation: %s", mustJSON(t, inst.Statement))
	}
	// The statement about alpha verifies with the installation's key and
	// carries alpha's federation keys.
	_, _, ab := w.get(t, alpha+fed.WellKnown)
	a := verify(t, ab, nil)
	code, _, body = w.get(t, installation+fed.FetchPath+"?sub="+alpha)
	if code != 200 {
		t.Fatalf("fetch alpha: %d %s", code, body)
	}
	sub := verify(t, body, inst.JWKS)
	if sub.Issuer != installation || sub.Subject != alpha || !slices.Equal(kids(sub.JWKS), kids(a.JWKS)) {
		t.Errorf("statement about alpha: %s (alpha's keys %v)", mustJSON(t, sub.Statement), kids(a.JWKS))
	}
	for q, want := range map[string]int{"": 400, "?sub=http://www.alpha.example": 404, "?sub=http://nowhere.piazza.test": 404,
		"?sub=https://alpha.piazza.test": 404, "?sub=" + alpha + "&iss=https://other.example": 400, "?sub=not%20a%20url": 404} {
		if code, _, body := w.get(t, installation+fed.FetchPath+q); code != want || !strings.Contains(body, `"error"`) {
			t.Errorf("fetch%s: %d %s, want %d", q, code, body, want)
		}
	}
	if _, _, list := w.get(t, installation+fed.ListPath); list != `["`+alpha+`","`+beta+`"]` {
		t.Errorf("list: %s", list)
	}
	// A suspended tenant, or one under another authority, is none of its.
	_, err := w.reg.Suspend(ctx, "beta")
	must(t, err)
	if code, _, _ := w.get(t, installation+fed.FetchPath+"?sub="+beta); code != 404 {
		t.Errorf("fetch a suspended tenant: %d", code)
	}
	if _, _, list := w.get(t, installation+fed.ListPath); list != `["`+alpha+`"]` {
		t.Errorf("list without the suspended tenant: %s", list)
	}

	// The chain from alpha through the installation to the anchor resolves,
	// with the anchor's policy applied.
	w.ta.vouch(t, installation, inst.JWKS, map[string]map[string]fed.Policy{"openid_relying_party": {"contacts": {"add": []string{"federation@anchor.example"}}}})
	r := &fed.Resolver{Client: w.client, Anchors: []fed.Anchor{{EntityID: w.ta.id(), JWKS: w.ta.pub}}}
	res, err := r.Resolve(ctx, alpha)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Path, []string{alpha, installation, w.ta.id()}) {
		t.Errorf("path %v", res.Path)
	}
	if got := mustJSON(t, res.Metadata["openid_relying_party"]["contacts"]); got != `["admin@alpha.example","federation@anchor.example"]` {
		t.Errorf("resolved contacts %s", got)
	}

	must(t, w.keys.SaveSettings(ctx, &fed.Settings{TenantID: w.a.ID, AuthorityHints: []string{"https://other-intermediate.example"}}))
	if code, _, _ := w.get(t, installation+fed.FetchPath+"?sub="+alpha); code != 404 {
		t.Errorf("fetch a tenant under another authority: %d", code)
	}
	if _, _, list := w.get(t, installation+fed.ListPath); list != `[]` {
		t.Errorf("list: %s", list)
	}
}

// anchor is a test trust anchor on 127.0.0.1.
type anchor struct {
	srv    *httptest.Server
	key    jose.SigningKey
	pub    jose.JSONWebKeySet
	subs   map[string]fed.Statement
	client *http.Client
}

func newAnchor(t *testing.T) *anchor {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	a := &anchor{key: jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: "ta"}},
		pub:  jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &priv.PublicKey, KeyID: "ta", Algorithm: "RS256", Use: "sig"}}},
		subs: map[string]fed.Statement{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+fed.WellKnown, func(rw http.ResponseWriter, r *http.Request) {
		a.write(t, rw, fed.Statement{Issuer: a.id(), Subject: a.id(), JWKS: &a.pub,
			Metadata: map[string]map[string]any{"federation_entity": {"federation_fetch_endpoint": a.id() + "/fetch"}}})
	})
	mux.HandleFunc("GET /fetch", func(rw http.ResponseWriter, r *http.Request) {
		st, ok := a.subs[r.URL.Query().Get("sub")]
		if !ok {
			http.NotFound(rw, r)
			return
		}
		a.write(t, rw, st)
	})
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	return a
}

func (a *anchor) id() string { return a.srv.URL }

func (a *anchor) vouch(t *testing.T, sub string, keys *jose.JSONWebKeySet, policy map[string]map[string]fed.Policy) {
	a.subs[sub] = fed.Statement{Issuer: a.id(), Subject: sub, JWKS: keys, MetadataPolicy: policy}
}

func (a *anchor) write(t *testing.T, rw http.ResponseWriter, st fed.Statement) {
	st.IssuedAt, st.ExpiresAt = time.Now().Unix(), time.Now().Add(time.Hour).Unix()
	signer, err := jose.NewSigner(a.key, (&jose.SignerOptions{}).WithType("entity-statement+jwt"))
	must(t, err)
	b, _ := json.Marshal(st)
	jws, err := signer.Sign(b)
	must(t, err)
	s, _ := jws.CompactSerialize()
	rw.Header().Set("Content-Type", fed.StatementType)
	_, _ = io.WriteString(rw, s)
}
