package idp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/piazza-pa/piazza/platform"
)

// TrustChains resolves providers' OpenID Federation trust chains to the
// configured trust anchors, keeping each until it expires
// (federation.Resolver; an interface because that package imports this
// one).
type TrustChains interface {
	// ProviderMetadata is the provider's openid_provider metadata, with
	// the chain's policies applied, and when the chain expires.
	ProviderMetadata(ctx context.Context, entityID string) (map[string]any, time.Time, error)
	// Forget drops the chain kept for entityID.
	Forget(entityID string)
}

// ChainError is a provider whose trust chain cannot be verified: it can be
// neither added nor enabled. Reason names the failing link.
type ChainError struct{ Reason string }

func (e *ChainError) Error() string { return "trust chain not verified: " + e.Reason }

// Unwrap makes it an invalid input.
func (e *ChainError) Unwrap() error { return platform.ErrInvalid }

// MessageKey and MessageArgs translate the prefix; the reason stays as
// the resolver wrote it.
func (e *ChainError) MessageKey() string { return "idp.error.trust_chain" }

// MessageArgs are the values the message names.
func (e *ChainError) MessageArgs() []any { return []any{"Reason", e.Reason} }

// errNoChains is the reason given when the installation trusts no anchor.
var errNoChains = errors.New("no trust anchor is configured (PIAZZA_FEDERATION_TRUST_ANCHORS)")

// resolveChain checks i's entity id, resolves its trust chain and takes
// the provider's issuer from the resolved metadata. Nothing to do for a
// provider without an entity id.
func (s *Store) resolveChain(ctx context.Context, i *IdP) error {
	i.EntityID = strings.TrimSpace(i.EntityID)
	if i.EntityID == "" {
		return nil
	}
	if i.Kind != "spid" && i.Kind != "cie" {
		return badField("entity id", "only for SPID and CIE providers")
	}
	if s.Chains == nil {
		return &ChainError{Reason: errNoChains.Error()}
	}
	meta, _, err := s.Chains.ProviderMetadata(ctx, i.EntityID)
	if err != nil {
		return &ChainError{Reason: err.Error()}
	}
	iss, _ := meta["issuer"].(string)
	if iss == "" {
		return &ChainError{Reason: fmt.Sprintf("the resolved metadata of %s names no issuer", i.EntityID)}
	}
	i.Issuer = iss
	return nil
}

// CheckChain resolves a provider's trust chain and says what its resolved
// metadata offers (a ChainError when the chain does not verify).
func CheckChain(ctx context.Context, chains TrustChains, entityID string) (string, error) {
	if chains == nil {
		return "", &ChainError{Reason: errNoChains.Error()}
	}
	meta, exp, err := chains.ProviderMetadata(ctx, entityID)
	if err != nil {
		return "", &ChainError{Reason: err.Error()}
	}
	str := func(k string) string { s, _ := meta[k].(string); return s }
	keys := "jwks_uri " + str("jwks_uri")
	if _, ok := meta["jwks"]; ok {
		keys = "jwks in the metadata"
	}
	return fmt.Sprintf("entity id %s: trust chain verified until %s; issuer %s, authorization %s, token %s, keys: %s, logout %t",
		entityID, exp.UTC().Format(time.RFC3339), str("issuer"), str("authorization_endpoint"), str("token_endpoint"), keys,
		str("end_session_endpoint") != ""), nil
}
