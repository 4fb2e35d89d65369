// Package idp federates a tenant's sign-in with OpenID Connect identity
// providers (SPID and CIE through their OIDC federation, regional IdPs,
// Keycloak …): the per-tenant IdP settings kept in the control plane (client
// secrets sealed at rest), the tenant's relying-party signing keys, and the
// authorization-code flow with PKCE, nonce, signed request objects and
// private_key_jwt.
package idp

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
)

// The client authentication methods.
const (
	AuthBasic      = "client_secret_basic"
	AuthPost       = "client_secret_post"
	AuthPrivateJWT = "private_key_jwt"
)

// IdP is one identity provider of a tenant.
type IdP struct {
	bun.BaseModel `bun:"table:piazza.tenant_idps,alias:i"`

	TenantID     int64    `bun:"tenant_id,pk"`
	Key          string   `bun:"key,pk"`
	Label        string   `bun:"label"`
	Kind         string   `bun:"kind"`
	Issuer       string   `bun:"issuer"`
	ClientID     string   `bun:"client_id"`
	ClientAuth   string   `bun:"client_auth"`
	SealedSecret []byte   `bun:"client_secret"`
	Scopes       []string `bun:"scopes,array"`
	ACRValues    []string `bun:"acr_values,array"`
	// Claims are the SPID/CIE attributes asked for (short names, see
	// Attributes); empty for generic providers.
	Claims []string `bun:"claims,array"`
	// Prompt is the prompt sent ("" for none).
	Prompt string `bun:"prompt"`
	// EntityID is the provider's OpenID Federation entity identifier
	// (SPID/CIE only; "" for none): when set, the provider's metadata
	// comes from its verified trust chain, not from discovery.
	EntityID          string    `bun:"entity_id"`
	ClaimSubject      string    `bun:"claim_subject"`
	ClaimEmail        string    `bun:"claim_email"`
	ClaimGivenName    string    `bun:"claim_given_name"`
	ClaimFamilyName   string    `bun:"claim_family_name"`
	ClaimFiscalNumber string    `bun:"claim_fiscal_number"`
	LinkBy            string    `bun:"link_by"`
	RequestObject     bool      `bun:"request_object"`
	Enabled           bool      `bun:"enabled"`
	CreatedAt         time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt         time.Time `bun:"updated_at,nullzero,default:now()"`

	// ClientSecret is the opened secret, set by Store.Get only; never stored
	// or printed as such.
	ClientSecret string `bun:"-"`
}

// HasSecret reports whether a client secret is stored.
func (i *IdP) HasSecret() bool { return len(i.SealedSecret) > 0 }

var keyRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// maxLabel is the longest label, in characters (as the table allows).
const maxLabel = 100

// Normalize fills defaults and checks every field, naming the bad one.
func (i *IdP) Normalize() error {
	for _, step := range []func() error{i.normalizeNames, i.normalizeEID, i.normalizeClient, i.normalizeRequest, i.normalizeClaims} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// badField is an invalid field's error, keyed for translation.
func badField(field, msg string) error {
	key := "idp.error." + strings.NewReplacer(" ", "_").Replace(field)
	return platform.NewKeyedError(platform.ErrInvalid, key, field+": "+msg)
}

// normalizeNames checks the key, label, kind and issuer.
func (i *IdP) normalizeNames() error {
	i.Key, i.Label, i.Issuer = strings.TrimSpace(i.Key), strings.TrimSpace(i.Label), strings.TrimSpace(i.Issuer)
	if !keyRE.MatchString(i.Key) {
		return badField("key", "1-32 lower-case letters, digits and hyphens, starting with a letter or digit")
	}
	if i.Label == "" {
		i.Label = i.Key
	}
	if utf8.RuneCountInString(i.Label) > maxLabel {
		return badField("label", fmt.Sprintf("at most %d characters", maxLabel))
	}
	if i.Kind == "" {
		i.Kind = "generic"
	}
	if !slices.Contains([]string{"generic", "spid", "cie"}, i.Kind) {
		return badField("kind", "one of generic, spid, cie")
	}
	u, err := url.Parse(i.Issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" ||
		!(u.Scheme == "https" || u.Scheme == "http" && isLoopback(u.Hostname())) {
		return badField("issuer", "an https:// URL (http:// only for localhost)")
	}
	return nil
}

// normalizeClient checks the client id and how the client authenticates.
func (i *IdP) normalizeClient() error {
	if strings.TrimSpace(i.ClientID) == "" {
		return badField("client id", "required")
	}
	if i.ClientAuth == "" {
		i.ClientAuth = AuthBasic
	}
	switch i.ClientAuth {
	case AuthBasic, AuthPost:
		if i.ClientSecret == "" && len(i.SealedSecret) == 0 {
			return badField("client secret", "required with "+i.ClientAuth)
		}
	case AuthPrivateJWT:
		if i.ClientSecret != "" {
			return badField("client secret", "not used with private_key_jwt (the tenant's signing key is)")
		}
	default:
		return badField("client authentication", "one of client_secret_basic, client_secret_post, private_key_jwt")
	}
	return nil
}

// normalizeRequest checks the scopes and ACR values asked for.
func (i *IdP) normalizeRequest() error {
	if len(i.Scopes) == 0 {
		i.Scopes = []string{"openid", "profile", "email"}
	}
	if i.ACRValues == nil {
		i.ACRValues = []string{}
	}
	if i.Claims == nil {
		i.Claims = []string{}
	}
	if !slices.Contains(i.Scopes, "openid") {
		return badField("scopes", "must include openid")
	}
	for _, a := range i.ACRValues {
		if u, err := url.Parse(a); err != nil || !u.IsAbs() {
			return badField("acr values", fmt.Sprintf("%q is not an absolute URI (e.g. https://www.spid.gov.it/SpidL2)", a))
		}
	}
	if i.Kind == "generic" {
		if len(i.Claims) > 0 {
			return badField("claims", "only for SPID and CIE providers")
		}
		if !slices.Contains([]string{"", "login", "consent", "consent login"}, i.Prompt) {
			return badField("prompt", "empty, login, consent or \"consent login\"")
		}
	}
	return nil
}

// normalizeClaims fills the claims' defaults and checks how accounts link.
func (i *IdP) normalizeClaims() error {
	defaults := []string{"sub", "email", "given_name", "family_name", "fiscal_number"}
	if i.Kind != "generic" {
		defaults[4] = AttributePrefix + "fiscal_number"
	}
	for n, c := range []*string{&i.ClaimSubject, &i.ClaimEmail, &i.ClaimGivenName, &i.ClaimFamilyName, &i.ClaimFiscalNumber} {
		if *c = strings.TrimSpace(*c); *c == "" {
			*c = defaults[n]
		}
	}
	if i.LinkBy == "" {
		i.LinkBy = "email"
		if i.Kind != "generic" {
			i.LinkBy = "fiscal_number"
		}
	}
	if !slices.Contains([]string{"fiscal_number", "email", "never"}, i.LinkBy) {
		return badField("link by", "one of fiscal_number, email, never")
	}
	return nil
}

func isLoopback(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "::1" }
