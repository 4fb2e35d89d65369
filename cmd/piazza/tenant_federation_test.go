package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/piazza-pa/piazza/platform/federation"
)

func TestTenantFederationCommand(t *testing.T) {
	useDatabase(t)
	// An issuer that cannot be reached (nothing listens on port 1): the
	// mark is kept, unchecked, and the command says so.
	mark := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"http://127.0.0.1:1","id":"https://ta.example.it/openid_relying_party/public","sub":"https://lazio.piazza.test"}`)) + ".c2ln"
	// A reachable issuer: its signature is checked with its keys.
	tmi := newFedEntity(t, "tmi")
	tmi.docs[federation.WellKnown+"?"] = func() federation.Statement {
		return federation.Statement{Issuer: tmi.id(), Subject: tmi.id(), JWKS: &tmi.pub}
	}
	good := signedMark(t, tmi.key, tmi.id(), "https://lazio.piazza.test")
	forger := newFedEntity(t, "tmi")
	forged := signedMark(t, forger.key, tmi.id(), "https://lazio.piazza.test")
	other := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"id":"t","sub":"https://umbria.piazza.test"}`)) + ".c2ln"
	steps := []struct {
		args    []string
		out     []string
		errText string
	}{
		{[]string{"tenant", "create", "--slug", "lazio", "--name", "Regione Lazio", "--admin-email", "admin@regione.lazio.it"}, []string{"created tenant lazio"}, ""},
		{[]string{"tenant", "federation", "lazio"}, []string{"entity id:        https://lazio.piazza.test\n",
			"configuration:    https://lazio.piazza.test/.well-known/openid-federation", "authority hints:  (none)", "admin@regione.lazio.it (the admin's)"}, ""},
		{[]string{"tenant", "federation", "lazio", "--authority-hint", "https://ta.example.it", "--trust-mark", mark, "--contact", "spid@regione.lazio.it"},
			[]string{"authority hints:  https://ta.example.it\n", "trust marks:      https://ta.example.it/openid_relying_party/public\n", "contacts:         spid@regione.lazio.it\n",
				"signature not checked: its issuer's entity configuration cannot be fetched"}, ""},
		{[]string{"tenant", "federation", "lazio", "--trust-mark", forged}, nil, "signature does not verify with the keys of its issuer " + tmi.id()},
		{[]string{"tenant", "federation", "lazio", "--trust-mark", mark, "--trust-mark", good},
			[]string{"signature verified with the keys of its issuer " + tmi.id(), "trust marks:      https://ta.example.it/openid_relying_party/public, https://ta.example.it/openid_relying_party/private\n"}, ""},
		{[]string{"tenant", "federation", "lazio", "--trust-mark", other}, nil, `issued to "https://umbria.piazza.test"`},
		{[]string{"tenant", "federation", "lazio", "--authority-hint", "ta.example.it"}, nil, `authority hint "ta.example.it"`},
		{[]string{"tenant", "federation", "lazio"}, []string{"authority hints:  https://ta.example.it\n"}, ""}, // the refusals changed nothing
		{[]string{"tenant", "federation", "lazio", "--rotate-key"}, []string{"new federation key ", "published now, signing from ", "authority hints:  https://ta.example.it\n"}, ""},
		{[]string{"tenant", "federation", "lazio", "--rotate-key", "--rotate-key-now"}, nil, "choose one"},
		{[]string{"tenant", "federation", "lazio", "--reset"}, []string{"authority hints:  (none)", "trust marks:      (none)"}, ""},
		{[]string{"tenant", "federation", "umbria"}, nil, "no such tenant"},
	}
	for _, s := range steps {
		out, _, err := run(t, "", s.args...)
		if s.errText != "" {
			if err == nil || !strings.Contains(err.Error(), s.errText) {
				t.Fatalf("%v: got %v, want an error with %q", s.args, err, s.errText)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", s.args, err)
		}
		for _, want := range s.out {
			if !strings.Contains(out, want) {
				t.Errorf("%v: %q does not say %q", s.args, out, want)
			}
		}
	}
}

// signedMark is a trust mark of iss for sub, signed with key.
func signedMark(t *testing.T, key jose.SigningKey, iss, sub string) string {
	t.Helper()
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("trust-mark+jwt"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"iss": iss, "sub": sub, "trust_mark_type": "https://ta.example.it/openid_relying_party/private",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()})
	jws, err := signer.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := jws.CompactSerialize()
	return s
}

// fedEntity serves a signed entity statement per path on 127.0.0.1.
type fedEntity struct {
	srv  *httptest.Server
	key  jose.SigningKey
	pub  jose.JSONWebKeySet
	docs map[string]func() federation.Statement
}

func newFedEntity(t *testing.T, kid string) *fedEntity {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	e := &fedEntity{key: jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: kid}},
		pub:  jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &priv.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"}}},
		docs: map[string]func() federation.Statement{}}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, ok := e.docs[r.URL.Path+"?"+r.URL.Query().Get("sub")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		st := doc()
		st.IssuedAt, st.ExpiresAt = time.Now().Unix(), time.Now().Add(time.Hour).Unix()
		signer, _ := jose.NewSigner(e.key, (&jose.SignerOptions{}).WithType("entity-statement+jwt"))
		b, _ := json.Marshal(st)
		jws, _ := signer.Sign(b)
		s, _ := jws.CompactSerialize()
		w.Header().Set("Content-Type", federation.StatementType)
		_, _ = w.Write([]byte(s))
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *fedEntity) id() string { return e.srv.URL }

func TestFederationCommands(t *testing.T) {
	useDatabase(t)
	ta, op := newFedEntity(t, "ta"), newFedEntity(t, "op")
	ta.docs[federation.WellKnown+"?"] = func() federation.Statement {
		return federation.Statement{Issuer: ta.id(), Subject: ta.id(), JWKS: &ta.pub,
			Metadata: map[string]map[string]any{"federation_entity": {"federation_fetch_endpoint": ta.id() + "/fetch"}}}
	}
	ta.docs["/fetch?"+op.id()] = func() federation.Statement {
		return federation.Statement{Issuer: ta.id(), Subject: op.id(), JWKS: &op.pub,
			MetadataPolicy: map[string]map[string]federation.Policy{"openid_provider": {"acr_values_supported": {"default": []string{"https://www.spid.gov.it/SpidL2"}}}}}
	}
	op.docs[federation.WellKnown+"?"] = func() federation.Statement {
		return federation.Statement{Issuer: op.id(), Subject: op.id(), JWKS: &op.pub, AuthorityHints: []string{ta.id()},
			Metadata: map[string]map[string]any{"openid_provider": {"issuer": op.id()}}}
	}
	anchors, err := json.Marshal([]federation.Anchor{{EntityID: ta.id(), JWKS: ta.pub}})
	if err != nil {
		t.Fatal(err)
	}
	file := t.TempDir() + "/anchors.json"
	if err := os.WriteFile(file, anchors, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "", "federation", "resolve", op.id()); err == nil || !strings.Contains(err.Error(), "PIAZZA_FEDERATION_TRUST_ANCHORS") {
		t.Errorf("without anchors: %v", err)
	}
	t.Setenv("PIAZZA_FEDERATION_TRUST_ANCHORS", file)
	out, _, err := run(t, "", "federation", "resolve", op.id())
	if err != nil || !strings.Contains(out, "chain:        "+op.id()+" → "+ta.id()) || !strings.Contains(out, `"https://www.spid.gov.it/SpidL2"`) {
		t.Errorf("resolve: %v\n%s", err, out)
	}
	_, _, err = run(t, "", "federation", "resolve", ta.id()+"/nobody")
	if err == nil || !strings.Contains(err.Error(), "entity configuration of "+ta.id()+"/nobody: "+ta.id()+"/nobody/.well-known/openid-federation answered 404") {
		t.Errorf("resolve an unknown entity: %v", err)
	}
	for _, args := range [][]string{{"federation", "rotate-key"}, {"federation", "rotate-key", "--now"}} {
		if out, _, err := run(t, "", args...); err != nil || !strings.Contains(out, "of the installation, published now, signing from ") {
			t.Errorf("%v: %v %s", args, err, out)
		}
	}
}
