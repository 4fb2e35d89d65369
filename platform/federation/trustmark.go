package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// trustMarkTyps are the JOSE types a trust mark may carry: OpenID
// Federation 1.0's, or none (or plain JWT) as earlier drafts and the
// SPID/CIE profile's first issuers wrote them.
var trustMarkTyps = []string{"", "JWT", "trust-mark+jwt"}

// UnmarshalJSON reads a trust mark as an entity configuration lists it:
// its type under "trust_mark_type" (OpenID Federation 1.0) or "id" (the
// SPID/CIE profile).
func (m *TrustMark) UnmarshalJSON(b []byte) error {
	var v struct {
		Type string `json:"trust_mark_type"`
		ID   string `json:"id"`
		JWT  string `json:"trust_mark"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	m.Type, m.JWT = v.Type, v.JWT
	if m.Type == "" {
		m.Type = v.ID
	}
	return nil
}

// trustMarkClaims are the claims of a trust mark Piazza reads.
type trustMarkClaims struct {
	Issuer  string `json:"iss"`
	Subject string `json:"sub"`
	Type    string `json:"trust_mark_type"`
	ID      string `json:"id"`
	Exp     int64  `json:"exp"`
}

// parseTrustMark reads a trust mark's claims without checking its
// signature.
func parseTrustMark(raw string) (*jose.JSONWebSignature, trustMarkClaims, error) {
	var c trustMarkClaims
	jws, err := jose.ParseSigned(strings.TrimSpace(raw), algorithms)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, c, fmt.Errorf("not a signed JWT")
	}
	if typ, _ := jws.Signatures[0].Protected.ExtraHeaders["typ"].(string); !slices.Contains(trustMarkTyps, typ) {
		return nil, c, fmt.Errorf("type %q, not trust-mark+jwt", typ)
	}
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &c); err != nil {
		return nil, c, fmt.Errorf("unreadable payload")
	}
	if c.Type == "" {
		c.Type = c.ID
	}
	if c.Type == "" {
		return nil, c, fmt.Errorf("no trust_mark_type")
	}
	return jws, c, nil
}

// VerifiedTrustMark is a trust mark whose signature, subject and validity
// were checked.
type VerifiedTrustMark struct {
	Type, Issuer string
	// Expires is zero for a trust mark without exp.
	Expires time.Time
}

// verifyTrustMark checks a trust mark of sub against the trust anchor
// whose verified configuration is ta: issued to sub, not expired, by an
// issuer ta's trust_mark_issuers lists for its type (any issuer when the
// list is empty), signed with a key of that issuer (ta's own keys, or the
// keys of the issuer's entity configuration, itself verified by a trust
// chain to ta).
func (r *Resolver) verifyTrustMark(ctx context.Context, raw, sub string, ta *Statement) (*VerifiedTrustMark, error) {
	_, c, err := parseTrustMark(raw)
	if err != nil {
		return nil, err
	}
	tm := &VerifiedTrustMark{Type: c.Type, Issuer: c.Issuer}
	if c.Exp != 0 {
		tm.Expires = time.Unix(c.Exp, 0)
	}
	issuers, listed := ta.TrustMarkIssuers[c.Type]
	switch {
	case c.Subject != sub:
		return nil, fmt.Errorf("trust mark %s is issued to %q", c.Type, c.Subject)
	case c.Exp != 0 && !r.now().Before(tm.Expires):
		return nil, fmt.Errorf("trust mark %s expired at %s", c.Type, tm.Expires.UTC().Format(time.RFC3339))
	case !listed:
		return nil, fmt.Errorf("trust anchor %s lists no issuer of trust mark %s", ta.Subject, c.Type)
	case len(issuers) > 0 && !slices.Contains(issuers, c.Issuer):
		return nil, fmt.Errorf("trust mark %s is issued by %q, which trust anchor %s does not list as its issuer", c.Type, c.Issuer, ta.Subject)
	}
	keys, err := r.issuerKeys(ctx, c.Issuer, ta)
	if err != nil {
		return nil, fmt.Errorf("trust mark %s: issuer %s: %w", c.Type, c.Issuer, err)
	}
	if verifyRaw(strings.TrimSpace(raw), keys) != nil {
		return nil, fmt.Errorf("trust mark %s: signature does not verify with the keys of its issuer %s", c.Type, c.Issuer)
	}
	return tm, nil
}

// issuerKeys are a trust mark issuer's federation keys: the anchor's own,
// or those of the issuer's entity configuration once its trust chain to
// the same anchor verifies.
func (r *Resolver) issuerKeys(ctx context.Context, iss string, ta *Statement) (*jose.JSONWebKeySet, error) {
	if iss == ta.Subject {
		return ta.JWKS, nil
	}
	id, err := CheckEntityID(iss)
	if err != nil || id != iss {
		return nil, fmt.Errorf("not an entity identifier")
	}
	conf, err := r.configuration(ctx, iss, nil)
	if err != nil {
		return nil, err
	}
	chain, err := r.walk(ctx, conf, []string{iss})
	if err != nil {
		return nil, err
	}
	if top := chain[len(chain)-1].Subject; top != ta.Subject {
		return nil, fmt.Errorf("its trust chain ends at %s, not %s", top, ta.Subject)
	}
	return conf.JWKS, nil
}

// trustMarks verifies the trust marks leaf's configuration holds against
// the chain's anchor (its configuration ta) and fails when one the anchor
// requires is missing or does not verify. The verified ones are returned.
func (r *Resolver) trustMarks(ctx context.Context, leaf, ta *Statement) ([]VerifiedTrustMark, error) {
	var out []VerifiedTrustMark
	why := map[string]string{}
	for _, m := range leaf.TrustMarks {
		tm, err := r.verifyTrustMark(ctx, m.JWT, leaf.Subject, ta)
		if err != nil {
			if m.Type != "" {
				why[m.Type] = err.Error()
			}
			continue
		}
		out = append(out, *tm)
	}
	a := r.anchor(ta.Subject)
	if a == nil {
		return out, nil
	}
	for _, req := range a.RequiredTrustMarks {
		if slices.ContainsFunc(out, func(tm VerifiedTrustMark) bool { return tm.Type == req }) {
			continue
		}
		reason := "not held"
		if w := why[req]; w != "" {
			reason = w
		}
		return nil, &LinkError{Issuer: leaf.Subject, Subject: leaf.Subject,
			Reason: fmt.Sprintf("trust mark %s required by trust anchor %s: %s", req, ta.Subject, reason)}
	}
	return out, nil
}

// ErrIssuerUnreachable is CheckTrustMark's answer when the trust mark's
// issuer publishes no entity configuration that can be fetched: its
// signature could not be checked.
var ErrIssuerUnreachable = errors.New("its issuer's entity configuration cannot be fetched")

// CheckTrustMark checks the signature of a trust mark given to a tenant
// with its issuer's keys: a configured trust anchor's, or those of the
// issuer's entity configuration (fetched, self-signed). It returns the
// issuer; ErrIssuerUnreachable (wrapped) when the issuer's configuration
// cannot be fetched, an invalid input when the signature does not verify.
func (r *Resolver) CheckTrustMark(ctx context.Context, raw string) (string, error) {
	ctx, cancel := within(ctx)
	defer cancel()
	_, c, err := parseTrustMark(raw)
	if err != nil {
		return "", badMark("malformed", "trust mark: %v", err)
	}
	iss, err := CheckEntityID(c.Issuer)
	if err != nil || iss != c.Issuer {
		return c.Issuer, badMark("issuer", "trust mark %s: issuer %q is not an entity identifier", c.Type, c.Issuer)
	}
	var keys *jose.JSONWebKeySet
	if a := r.anchor(iss); a != nil {
		keys = &a.JWKS
	} else {
		if _, err := r.get(ctx, iss+WellKnown); err != nil {
			return iss, fmt.Errorf("%w (%v)", ErrIssuerUnreachable, err)
		}
		conf, err := r.configuration(ctx, iss, nil)
		if err != nil {
			return iss, badMark("issuer", "trust mark %s: issuer %s: %v", c.Type, iss, err)
		}
		keys = conf.JWKS
	}
	if verifyRaw(strings.TrimSpace(raw), keys) != nil {
		return iss, badMark("signature", "trust mark %s: signature does not verify with the keys of its issuer %s", c.Type, iss)
	}
	return iss, nil
}
