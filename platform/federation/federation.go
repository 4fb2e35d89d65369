// Package federation makes Piazza an entity of an OpenID Federation (OpenID
// Federation 1.0 as the Italian SPID/CIE OpenID Connect rules profile it):
// each tenant is a relying party publishing its own signed entity
// configuration, signed with a federation key of its own (sealed at rest,
// rotatable with an overlap); the installation may act as an intermediate
// for its active tenants (entity configuration, fetch and list endpoints);
// and Resolver walks a provider's authority hints to a configured trust
// anchor, verifying every statement and applying metadata policies.
//
// Statements are signed and verified with go-jose, as platform/idp does;
// github.com/go-oidfed/lib, the Go library of the protocol, needs the
// jsonv2 experiment of the Go toolchain for the whole binary since v0.11,
// so the little of it Piazza needs is written here.
package federation

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// The federation's well-known path, the installation's endpoints and the
// statements' media and JOSE types.
const (
	WellKnown     = "/.well-known/openid-federation"
	FetchPath     = "/federation/fetch"
	ListPath      = "/federation/list"
	StatementType = "application/entity-statement+jwt"
	statementTyp  = "entity-statement+jwt"
)

// DefaultLifetime is how long a statement Piazza signs is valid.
const DefaultLifetime = 24 * time.Hour

// Statement is the payload of an entity statement: an entity
// configuration (iss = sub) or a superior's subordinate statement.
type Statement struct {
	Issuer         string              `json:"iss"`
	Subject        string              `json:"sub"`
	IssuedAt       int64               `json:"iat"`
	ExpiresAt      int64               `json:"exp"`
	JWKS           *jose.JSONWebKeySet `json:"jwks,omitempty"`
	AuthorityHints []string            `json:"authority_hints,omitempty"`
	// Metadata and MetadataPolicy are by entity type
	// ("openid_relying_party", "openid_provider", "federation_entity").
	Metadata           map[string]map[string]any    `json:"metadata,omitempty"`
	MetadataPolicy     map[string]map[string]Policy `json:"metadata_policy,omitempty"`
	MetadataPolicyCrit []string                     `json:"metadata_policy_crit,omitempty"`
	Crit               []string                     `json:"crit,omitempty"`
	TrustMarks         []TrustMark                  `json:"trust_marks,omitempty"`
	SourceEndpoint     string                       `json:"source_endpoint,omitempty"`
	// TrustMarkIssuers, in a trust anchor's configuration, lists by trust
	// mark type the entities it trusts to issue it (any, when empty).
	TrustMarkIssuers map[string][]string `json:"trust_mark_issuers,omitempty"`

	// raw is the signed statement, as fetched.
	raw string
}

// Config is the installation's federation settings.
type Config struct {
	// EntityID is the installation's entity id as intermediate (the
	// operator host's URL); empty: the installation is no intermediate.
	EntityID string
	// AuthorityHints are the installation's superiors (a trust anchor).
	AuthorityHints []string
	// Organization and Contacts describe the installation in its metadata.
	Organization string
	Contacts     []string
	// Lifetime is the validity of the statements signed (DefaultLifetime
	// when zero).
	Lifetime time.Duration
	// RPPolicy is the metadata policy the installation, as intermediate,
	// puts on its tenants' openid_relying_party metadata in its statements
	// about them (by parameter; none when empty).
	RPPolicy map[string]Policy
}

// Intermediate says whether the installation is an intermediate.
func (c Config) Intermediate() bool { return c.EntityID != "" }

func (c Config) lifetime() time.Duration {
	if c.Lifetime <= 0 {
		return DefaultLifetime
	}
	return c.Lifetime
}

// Check says what is wrong with the installation's settings, if anything:
// an entity id on operatorHost (which serves its statement), valid hints.
func (c *Config) Check(scheme, operatorHost string) error {
	if c.EntityID == "" {
		if len(c.AuthorityHints) > 0 {
			return errors.New("authority hints given without an entity id")
		}
		return nil
	}
	id, err := CheckEntityID(c.EntityID)
	if err != nil {
		return fmt.Errorf("entity id %q: %w", c.EntityID, err)
	}
	if want := scheme + "://" + operatorHost; id != want {
		return fmt.Errorf("entity id %q: the operator host serves it, so it must be %s", c.EntityID, want)
	}
	c.EntityID = id
	for i, h := range c.AuthorityHints {
		if c.AuthorityHints[i], err = CheckEntityID(h); err != nil {
			return fmt.Errorf("authority hint %q: %w", h, err)
		}
	}
	if len(c.AuthorityHints) == 0 {
		return errors.New("an intermediate needs at least one authority hint (its trust anchor)")
	}
	if err := CheckPolicy(c.RPPolicy); err != nil {
		return fmt.Errorf("relying-party metadata policy: %w", err)
	}
	return nil
}

// sign signs st as an entity statement with key.
func sign(key jose.SigningKey, st Statement) ([]byte, error) {
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType(statementTyp))
	if err != nil {
		return nil, err
	}
	body, err := jsonMarshal(st)
	if err != nil {
		return nil, err
	}
	jws, err := signer.Sign(body)
	if err != nil {
		return nil, err
	}
	s, err := jws.CompactSerialize()
	return []byte(s), err
}

// stamp fills iat and exp from now.
func stamp(st *Statement, now time.Time, lifetime time.Duration) {
	st.IssuedAt = now.Unix()
	st.ExpiresAt = now.Add(lifetime).Unix()
}

// algorithms are the signature algorithms accepted in statements.
var algorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA}

// keysFor are the keys of set that may have signed a JWS with kid.
func keysFor(set *jose.JSONWebKeySet, kid string) []jose.JSONWebKey {
	if set == nil {
		return nil
	}
	if kid != "" {
		return set.Key(kid)
	}
	return slices.Clone(set.Keys)
}
