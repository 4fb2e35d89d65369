package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Anchor is a trust anchor the installation trusts: its entity id and
// keys, configured, never fetched.
type Anchor struct {
	EntityID string             `json:"entity_id"`
	JWKS     jose.JSONWebKeySet `json:"jwks"`
	// RequiredTrustMarks are the trust mark types a provider must hold,
	// verified, for its chain to this anchor to resolve.
	RequiredTrustMarks []string `json:"required_trust_marks,omitempty"`
}

// Resolved is a verified trust chain and what it says of its subject.
type Resolved struct {
	EntityID    string
	TrustAnchor string
	// Path is the chain's entities, the subject first, the anchor last.
	Path []string
	// Metadata is the subject's metadata, by entity type, with the
	// chain's metadata policies applied.
	Metadata map[string]map[string]any
	// Expires is when the first statement of the chain (or required trust
	// mark) expires.
	Expires time.Time
	// TrustMarks are the subject's trust marks that verified.
	TrustMarks []VerifiedTrustMark
	// FederationKeys are the subject's federation keys, as its superior
	// vouches for them.
	FederationKeys *jose.JSONWebKeySet
}

// Provider is the resolved openid_provider metadata.
func (r *Resolved) Provider() map[string]any { return r.Metadata["openid_provider"] }

// LinkError says which statement of a chain failed and why: Issuer's
// statement about Subject (Issuer = Subject for an entity configuration).
type LinkError struct {
	Issuer, Subject, Reason string
}

func (e *LinkError) Error() string {
	if e.Issuer == e.Subject {
		return fmt.Sprintf("entity configuration of %s: %s", e.Subject, e.Reason)
	}
	return fmt.Sprintf("statement of %s about %s: %s", e.Issuer, e.Subject, e.Reason)
}

// Resolver resolves trust chains to the configured trust anchors and keeps
// each resolved chain until it expires.
type Resolver struct {
	Anchors []Anchor
	// Client fetches statements (one with a 10-second timeout when nil).
	Client *http.Client
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// MaxDepth bounds the superiors walked above the subject (8 when 0).
	MaxDepth int

	mu    sync.Mutex
	cache map[string]*Resolved
}

// maxFetches bounds the statements one resolution fetches, all branches
// of its authority hints together: a hierarchy of many hints cannot make
// the server fetch without end (each hint's branch is walked until one
// reaches an anchor).
const maxFetches = 32

// resolveTimeout bounds one resolution, whatever its caller's deadline.
const resolveTimeout = 30 * time.Second

// budgetKey is the context key of a resolution's fetchBudget.
type budgetKey struct{}

// fetchBudget is what a resolution may still fetch.
type fetchBudget struct{ left int }

// within gives ctx a fetch budget and a deadline unless it runs inside a
// resolution already (whose budget it then shares).
func within(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Value(budgetKey{}).(*fetchBudget); ok {
		return ctx, func() {}
	}
	ctx = context.WithValue(ctx, budgetKey{}, &fetchBudget{left: maxFetches})
	return context.WithTimeout(ctx, resolveTimeout)
}

// skew is the clock difference tolerated on iat.
const skew = time.Minute

// maxStatement bounds the size of a statement read.
const maxStatement = 1 << 20

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// ResolveProvider resolves the trust chain of an OpenID provider and
// fails when its resolved metadata holds no openid_provider.
func (r *Resolver) ResolveProvider(ctx context.Context, entityID string) (*Resolved, error) {
	res, err := r.Resolve(ctx, entityID)
	if err != nil {
		return nil, err
	}
	if res.Provider() == nil {
		return nil, &LinkError{Issuer: res.EntityID, Subject: res.EntityID, Reason: "no openid_provider metadata"}
	}
	return res, nil
}

// Resolve fetches entityID's entity configuration, walks its authority
// hints to a configured trust anchor verifying every statement's signature
// and validity, and applies the chain's metadata policies. The result is
// kept until the chain expires. The error names the failing link(s).
func (r *Resolver) Resolve(ctx context.Context, entityID string) (*Resolved, error) {
	id, err := CheckEntityID(entityID)
	if err != nil {
		return nil, fmt.Errorf("entity id %q: %w", entityID, err)
	}
	now := r.now()
	r.mu.Lock()
	if c := r.cache[id]; c != nil && now.Before(c.Expires) {
		r.mu.Unlock()
		return c, nil
	}
	r.mu.Unlock()
	if len(r.Anchors) == 0 {
		return nil, errors.New("trust chain: no trust anchor is configured")
	}
	ctx, cancel := within(ctx)
	defer cancel()
	leaf, err := r.configuration(ctx, id, nil)
	if err != nil {
		return nil, fmt.Errorf("trust chain of %s: %w", id, err)
	}
	chain, err := r.walk(ctx, leaf, []string{id})
	if err != nil {
		return nil, fmt.Errorf("trust chain of %s: %w", id, err)
	}
	res, err := resolved(id, append([]*Statement{leaf}, chain...))
	if err != nil {
		return nil, fmt.Errorf("trust chain of %s: %w", id, err)
	}
	res.FederationKeys = chain[0].JWKS
	if res.TrustMarks, err = r.trustMarks(ctx, leaf, chain[len(chain)-1]); err != nil {
		return nil, fmt.Errorf("trust chain of %s: %w", id, err)
	}
	for _, tm := range res.TrustMarks {
		a := r.anchor(res.TrustAnchor)
		if !tm.Expires.IsZero() && tm.Expires.Before(res.Expires) && a != nil && slices.Contains(a.RequiredTrustMarks, tm.Type) {
			res.Expires = tm.Expires
		}
	}
	if err := r.signedJWKS(ctx, res); err != nil {
		return nil, fmt.Errorf("trust chain of %s: %w", id, err)
	}
	r.mu.Lock()
	if r.cache == nil {
		r.cache = map[string]*Resolved{}
	}
	r.cache[id] = res
	r.mu.Unlock()
	return res, nil
}

func (r *Resolver) anchor(id string) *Anchor {
	for i := range r.Anchors {
		if r.Anchors[i].EntityID == id {
			return &r.Anchors[i]
		}
	}
	return nil
}

// walk finds a verified path from sub (a verified entity configuration)
// to an anchor: the statements above sub, the anchor's configuration
// last. Each hint is tried in turn; the error joins every hint's.
func (r *Resolver) walk(ctx context.Context, sub *Statement, path []string) ([]*Statement, error) {
	if len(sub.AuthorityHints) == 0 {
		return nil, &LinkError{Issuer: sub.Subject, Subject: sub.Subject, Reason: "names no authority hint and is not a configured trust anchor"}
	}
	max := r.MaxDepth
	if max == 0 {
		max = 8
	}
	var errs []error
	for _, hint := range sub.AuthorityHints {
		if slices.Contains(path, hint) {
			errs = append(errs, &LinkError{Issuer: sub.Subject, Subject: sub.Subject, Reason: "authority hints loop back to " + hint})
			continue
		}
		if len(path) > max {
			errs = append(errs, &LinkError{Issuer: sub.Subject, Subject: sub.Subject, Reason: fmt.Sprintf("more than %d superiors", max)})
			continue
		}
		chain, err := r.through(ctx, sub, hint, path)
		if err == nil {
			return chain, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// through is walk by way of the superior hint.
func (r *Resolver) through(ctx context.Context, sub *Statement, hint string, path []string) ([]*Statement, error) {
	a := r.anchor(hint)
	var keys *jose.JSONWebKeySet
	if a != nil {
		keys = &a.JWKS // an anchor's configuration verifies with the configured keys
	}
	sup, err := r.configuration(ctx, hint, keys)
	if err != nil {
		return nil, err
	}
	fe, _ := sup.Metadata["federation_entity"]["federation_fetch_endpoint"].(string)
	if fe == "" {
		return nil, &LinkError{Issuer: hint, Subject: hint, Reason: "no federation_fetch_endpoint"}
	}
	u, err := url.Parse(fe)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, &LinkError{Issuer: hint, Subject: hint, Reason: "federation_fetch_endpoint is not a URL"}
	}
	q := u.Query()
	q.Set("sub", sub.Subject)
	u.RawQuery = q.Encode()
	st, err := r.statement(ctx, u.String(), hint, sub.Subject, sup.JWKS)
	if err != nil {
		return nil, err
	}
	// The superior vouches for the subject's keys: its configuration must
	// verify with them.
	if err := verifyRaw(sub.raw, st.JWKS); err != nil {
		return nil, &LinkError{Issuer: sub.Subject, Subject: sub.Subject, Reason: "not signed with the keys " + hint + " publishes for it"}
	}
	if a != nil {
		return []*Statement{st, sup}, nil
	}
	rest, err := r.walk(ctx, sup, append(slices.Clone(path), hint))
	if err != nil {
		return nil, err
	}
	return append([]*Statement{st}, rest...), nil
}

// configuration fetches and checks id's entity configuration: signed with
// keys (its own when nil), iss = sub = id, valid now.
func (r *Resolver) configuration(ctx context.Context, id string, keys *jose.JSONWebKeySet) (*Statement, error) {
	return r.statement(ctx, id+WellKnown, id, id, keys)
}

// statement fetches and checks a statement of iss about sub at u, signed
// with keys (the statement's own when nil: a self-signed configuration).
func (r *Resolver) statement(ctx context.Context, u, iss, sub string, keys *jose.JSONWebKeySet) (*Statement, error) {
	fail := func(format string, args ...any) error {
		return &LinkError{Issuer: iss, Subject: sub, Reason: fmt.Sprintf(format, args...)}
	}
	raw, err := r.get(ctx, u)
	if err != nil {
		return nil, fail("%v", err)
	}
	jws, err := jose.ParseSigned(raw, algorithms)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, fail("not a signed entity statement")
	}
	if typ, _ := jws.Signatures[0].Protected.ExtraHeaders["typ"].(string); typ != statementTyp {
		return nil, fail("type %q, not %s", typ, statementTyp)
	}
	st := new(Statement)
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), st); err != nil {
		return nil, fail("unreadable payload")
	}
	st.raw = raw
	if keys == nil {
		keys = st.JWKS
	}
	switch {
	case st.Issuer != iss || st.Subject != sub:
		return nil, fail("issued by %q about %q", st.Issuer, st.Subject)
	case verifyRaw(raw, keys) != nil:
		return nil, fail("signature does not verify with the keys of %s", iss)
	case st.JWKS == nil || len(st.JWKS.Keys) == 0:
		return nil, fail("no jwks")
	case st.ExpiresAt == 0:
		return nil, fail("no exp")
	case !r.now().Before(time.Unix(st.ExpiresAt, 0)):
		return nil, fail("expired at %s", time.Unix(st.ExpiresAt, 0).UTC().Format(time.RFC3339))
	case time.Unix(st.IssuedAt, 0).After(r.now().Add(skew)):
		return nil, fail("issued in the future (%s)", time.Unix(st.IssuedAt, 0).UTC().Format(time.RFC3339))
	case len(st.Crit) > 0:
		return nil, fail("critical claims %v not understood", st.Crit)
	}
	return st, nil
}

// verifyRaw checks raw's signature with one of keys.
func verifyRaw(raw string, keys *jose.JSONWebKeySet) error {
	jws, err := jose.ParseSigned(raw, algorithms)
	if err != nil || len(jws.Signatures) != 1 {
		return errors.New("not a signed JWT")
	}
	for _, k := range keysFor(keys, jws.Signatures[0].Header.KeyID) {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		if _, err := jws.Verify(k); err == nil {
			return nil
		}
	}
	return errors.New("no key verifies the signature")
}

func (r *Resolver) get(ctx context.Context, u string) (string, error) {
	if b, ok := ctx.Value(budgetKey{}).(*fetchBudget); ok {
		if b.left <= 0 {
			return "", fmt.Errorf("not fetched: the chain's statements took more than %d fetches", maxFetches)
		}
		b.left--
	}
	c := r.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", StatementType)
	res, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("unreachable: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s answered %d", u, res.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, maxStatement+1))
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", u, err)
	}
	if len(b) > maxStatement {
		return "", fmt.Errorf("%s: statement too large", u)
	}
	return string(b), nil
}
