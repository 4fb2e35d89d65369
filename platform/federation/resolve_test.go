package federation

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// node is one entity of an in-process federation: an httptest server on
// 127.0.0.1 serving its entity configuration and, as a superior, the
// statements about its subordinates at /fetch.
type node struct {
	t    *testing.T
	srv  *httptest.Server
	key  jose.SigningKey
	pub  jose.JSONWebKeySet
	hits atomic.Int64
	// conf is the configuration served (its iss, sub, jwks filled in);
	// subs the statements about subordinates, by entity id.
	conf Statement
	subs map[string]Statement
	// signer, when set, signs instead of key (a forged statement).
	forge map[string]jose.SigningKey
}

func newKey(t *testing.T, kid string) (jose.SigningKey, jose.JSONWebKey) {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: kid, Algorithm: "RS256"}},
		jose.JSONWebKey{Key: &priv.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"}
}

func newNode(t *testing.T, name string) *node {
	n := &node{t: t, subs: map[string]Statement{}, forge: map[string]jose.SigningKey{}}
	var pub jose.JSONWebKey
	n.key, pub = newKey(t, name)
	n.pub = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+WellKnown, func(w http.ResponseWriter, r *http.Request) {
		n.hits.Add(1)
		st := n.conf
		st.Issuer, st.Subject, st.JWKS = n.id(), n.id(), &n.pub
		if st.ExpiresAt == 0 {
			stamp(&st, time.Now(), time.Hour)
		}
		n.write(w, "self", st)
	})
	mux.HandleFunc("GET /fetch", func(w http.ResponseWriter, r *http.Request) {
		sub := r.URL.Query().Get("sub")
		st, ok := n.subs[sub]
		if !ok {
			http.NotFound(w, r)
			return
		}
		st.Issuer, st.Subject = n.id(), sub
		if st.ExpiresAt == 0 {
			stamp(&st, time.Now(), time.Hour)
		}
		n.write(w, sub, st)
	})
	n.srv = httptest.NewServer(mux)
	t.Cleanup(n.srv.Close)
	return n
}

func (n *node) write(w http.ResponseWriter, about string, st Statement) {
	key := n.key
	if k, ok := n.forge[about]; ok {
		key = k
	}
	b, err := sign(key, st)
	if err != nil {
		n.t.Error(err)
	}
	w.Header().Set("Content-Type", StatementType)
	_, _ = w.Write(b)
}

func (n *node) id() string { return n.srv.URL }

// superior makes n a superior of sub: sub hints at n, n vouches for sub's
// keys (with policy, if any) at its fetch endpoint.
func (n *node) superior(sub *node, policy map[string]map[string]Policy) {
	sub.conf.AuthorityHints = append(sub.conf.AuthorityHints, n.id())
	n.conf.Metadata = map[string]map[string]any{"federation_entity": {"federation_fetch_endpoint": n.id() + "/fetch"}}
	n.subs[sub.id()] = Statement{JWKS: &sub.pub, MetadataPolicy: policy}
}

// federation is a provider under an intermediate under a trust anchor.
type federation struct{ op, in, ta *node }

func newFederation(t *testing.T) *federation {
	f := &federation{op: newNode(t, "op"), in: newNode(t, "in"), ta: newNode(t, "ta")}
	f.op.conf.Metadata = map[string]map[string]any{"openid_provider": {
		"issuer": f.op.id(), "token_endpoint_auth_methods_supported": []string{"private_key_jwt", "client_secret_basic"},
		"contacts": []string{"ops@op.example"}}}
	f.in.superior(f.op, map[string]map[string]Policy{"openid_provider": {"contacts": {"add": []string{"help@in.example"}}}})
	f.ta.superior(f.in, map[string]map[string]Policy{"openid_provider": {
		"token_endpoint_auth_methods_supported": {"subset_of": []string{"private_key_jwt", "private_key_jwt_2"}}}})
	return f
}

func (f *federation) resolver() *Resolver {
	return &Resolver{Anchors: []Anchor{{EntityID: f.ta.id(), JWKS: f.ta.pub}}}
}

func TestResolveAppliesThePolicies(t *testing.T) {
	f := newFederation(t)
	r := f.resolver()
	res, err := r.ResolveProvider(context.Background(), f.op.id())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Path, []string{f.op.id(), f.in.id(), f.ta.id()}) || res.TrustAnchor != f.ta.id() {
		t.Errorf("path %v, anchor %s", res.Path, res.TrustAnchor)
	}
	p := res.Provider()
	if got := list(p["token_endpoint_auth_methods_supported"]); len(got) != 1 || got[0] != "private_key_jwt" {
		t.Errorf("the anchor's subset_of is not applied: %v", got)
	}
	if got := list(p["contacts"]); len(got) != 2 || got[1] != "help@in.example" {
		t.Errorf("the intermediate's add is not applied: %v", got)
	}
	if left := time.Until(res.Expires); left <= 0 || left > time.Hour {
		t.Errorf("expires in %s", left)
	}
	// Kept until it expires: asking again fetches nothing.
	before := f.op.hits.Load()
	if _, err := r.ResolveProvider(context.Background(), f.op.id()); err != nil || f.op.hits.Load() != before {
		t.Errorf("second resolution: %v, fetched %d times more", err, f.op.hits.Load()-before)
	}
	r.Now = func() time.Time { return res.Expires.Add(-time.Second) }
	_, _ = r.Resolve(context.Background(), f.op.id())
	if f.op.hits.Load() != before {
		t.Error("fetched again before the chain expired")
	}
}

func TestResolveRefusesBadChains(t *testing.T) {
	cases := []struct {
		name    string
		breakIt func(f *federation, r *Resolver)
		want    func(f *federation) string
	}{
		{"expired statement", func(f *federation, r *Resolver) {
			st := f.in.subs[f.op.id()]
			st.IssuedAt, st.ExpiresAt = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
			f.in.subs[f.op.id()] = st
		}, func(f *federation) string {
			return "statement of " + f.in.id() + " about " + f.op.id() + ": expired at"
		}},
		{"bad signature", func(f *federation, r *Resolver) {
			f.ta.forge[f.in.id()], _ = newKey(t, "ta") // the anchor's kid, another key
		}, func(f *federation) string {
			return "statement of " + f.ta.id() + " about " + f.in.id() + ": signature does not verify with the keys of " + f.ta.id()
		}},
		{"keys the superior does not vouch for", func(f *federation, r *Resolver) {
			other, pub := newKey(t, "op")
			_ = other
			f.in.subs[f.op.id()] = Statement{JWKS: &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}}
		}, func(f *federation) string {
			return "entity configuration of " + f.op.id() + ": not signed with the keys " + f.in.id() + " publishes for it"
		}},
		{"unknown anchor", func(f *federation, r *Resolver) {
			_, pub := newKey(t, "elsewhere")
			r.Anchors = []Anchor{{EntityID: "https://anchor.example", JWKS: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}}}
		}, func(f *federation) string {
			return "entity configuration of " + f.ta.id() + ": names no authority hint and is not a configured trust anchor"
		}},
		{"anchor keys not the configured ones", func(f *federation, r *Resolver) {
			_, pub := newKey(t, "ta")
			r.Anchors[0].JWKS = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}
		}, func(f *federation) string {
			return "entity configuration of " + f.ta.id() + ": signature does not verify with the keys of " + f.ta.id()
		}},
		{"loop in authority hints", func(f *federation, r *Resolver) {
			in2 := newNode(t, "in2")
			f.in.conf.AuthorityHints = nil
			delete(f.ta.subs, f.in.id())
			in2.superior(f.in, nil)
			f.in.superior(in2, nil)
		}, func(f *federation) string {
			return ": authority hints loop back to " + f.in.id()
		}},
		{"policy the metadata breaks", func(f *federation, r *Resolver) {
			st := f.in.subs[f.op.id()]
			st.MetadataPolicy = map[string]map[string]Policy{"openid_provider": {"issuer": {"one_of": []string{"https://other.example"}}}}
			f.in.subs[f.op.id()] = st
		}, func(f *federation) string { return "metadata breaks policy: openid_provider.issuer" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFederation(t)
			r := f.resolver()
			c.breakIt(f, r)
			res, err := r.ResolveProvider(context.Background(), f.op.id())
			if err == nil {
				t.Fatalf("resolved: %v", res.Path)
			}
			if want := c.want(f); !strings.Contains(err.Error(), want) {
				t.Errorf("error %q\ndoes not say %q", err, want)
			}
		})
	}
}

func TestLoadAnchors(t *testing.T) {
	f := newFederation(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	b, err := json.Marshal([]Anchor{{EntityID: f.ta.id() + "/", JWKS: f.ta.pub}})
	if err != nil {
		t.Fatal(err)
	}
	as, err := LoadAnchors(write("good.json", string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&Resolver{Anchors: as}).ResolveProvider(context.Background(), f.op.id()); err != nil {
		t.Errorf("with the anchors read: %v", err)
	}
	priv, err := json.Marshal([]Anchor{{EntityID: f.ta.id(), JWKS: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{f.ta.key.Key.(jose.JSONWebKey)}}}})
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"empty.json": `[]`, "object.json": `{}`, "nokeys.json": `[{"entity_id":"https://ta.example","jwks":{"keys":[]}}]`,
		"badid.json": `[{"entity_id":"ta.example","jwks":{"keys":[]}}]`, "private.json": string(priv)} {
		if _, err := LoadAnchors(write(name, body)); err == nil {
			t.Errorf("%s: read", name)
		}
	}
	if _, err := LoadAnchors(dir + "/missing.json"); err == nil {
		t.Error("a missing file: read")
	}
}

// A hierarchy of many authority hints that lead nowhere costs a bounded
// number of fetches: without the bound, six levels of three superiors
// each would make the resolver fetch over a thousand statements for one
// provider a tenant admin names.
func TestResolveFetchesABoundedNumber(t *testing.T) {
	leaf := newNode(t, "leaf")
	leaf.conf.Metadata = map[string]map[string]any{"openid_provider": {"issuer": leaf.id()}}
	below, all := []*node{leaf}, []*node{leaf}
	for level := range 6 {
		var here []*node
		for i := range 3 {
			n := newNode(t, "n"+string(rune('a'+level))+string(rune('0'+i)))
			for _, b := range below {
				n.superior(b, nil)
			}
			here = append(here, n)
		}
		below, all = here, append(all, here...)
	}
	ta := newNode(t, "ta") // an anchor that no hint reaches
	r := &Resolver{Anchors: []Anchor{{EntityID: ta.id(), JWKS: ta.pub}}}
	_, err := r.Resolve(context.Background(), leaf.id())
	if err == nil || !strings.Contains(err.Error(), "more than 32 fetches") {
		t.Fatalf("resolve: %v, want the fetch bound named", err)
	}
	var fetched int64
	for _, n := range all {
		fetched += n.hits.Load()
	}
	if fetched > maxFetches {
		t.Errorf("%d entity configurations fetched, more than %d", fetched, maxFetches)
	}
}
