package idp

import (
	"context"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/piazza-pa/piazza/platform/secret"
)

// ClientAssertionType is the RFC 7523 client assertion type.
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// ClientAssertion signs a private_key_jwt client assertion (RFC 7523): the
// client authenticates to the token endpoint with the tenant's key. The
// audience names the token endpoint (as RFC 7523 and the SPID/CIE rules say)
// and the issuer (as OpenID Connect Core allows and some providers require).
func ClientAssertion(key jose.SigningKey, clientID, tokenEndpoint, issuer string, now time.Time) (string, error) {
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	claims := jwt.Claims{
		Issuer: clientID, Subject: clientID, Audience: jwt.Audience{tokenEndpoint, issuer},
		ID: secret.Token(32), IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(2 * time.Minute)),
	}
	return jwt.Signed(signer).Claims(claims).Serialize()
}

// AssertionOptions are the token request parameters carrying an assertion.
func AssertionOptions(assertion string) []oauth2.AuthCodeOption {
	return []oauth2.AuthCodeOption{
		oauth2.SetAuthURLParam("client_assertion_type", ClientAssertionType),
		oauth2.SetAuthURLParam("client_assertion", assertion),
	}
}

// AuthRequest is what a signed request object carries.
type AuthRequest struct {
	Issuer, ClientID, RedirectURI, Scope string
	State, Nonce, CodeChallenge          string
	ACRValues, Prompt                    string
	// Claims is the claims parameter (OpenID Connect Core 5.5), or nil.
	Claims map[string]any
}

// RequestObject signs the authorization request as a JWT (the `request`
// parameter), as the Italian SPID/CIE OpenID Connect rules require: aud is
// the provider, iss the client.
func RequestObject(key jose.SigningKey, r AuthRequest, now time.Time) (string, error) {
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("oauth-authz-req+jwt"))
	if err != nil {
		return "", err
	}
	claims := map[string]any{
		"iss": r.ClientID, "aud": r.Issuer, "client_id": r.ClientID, "response_type": "code",
		"scope": r.Scope, "redirect_uri": r.RedirectURI, "state": r.State, "nonce": r.Nonce,
		"code_challenge": r.CodeChallenge, "code_challenge_method": "S256",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": secret.Token(32),
	}
	if r.ACRValues != "" {
		claims["acr_values"] = r.ACRValues
	}
	if r.Prompt != "" {
		claims["prompt"] = r.Prompt
	}
	if r.Claims != nil {
		claims["claims"] = r.Claims
	}
	return jwt.Signed(signer).Claims(claims).Serialize()
}

// The algorithms a SPID/CIE UserInfo may be encrypted with.
var (
	jweKeyAlgs     = []jose.KeyAlgorithm{jose.RSA_OAEP, jose.RSA_OAEP_256}
	jweContentEncs = []jose.ContentEncryption{jose.A128CBC_HS256, jose.A256CBC_HS512, jose.A128GCM, jose.A256GCM}
)

// OpenJWE decrypts a compact JWE sent to the tenant with its encryption key
// named in the header (current, or retired less than a day ago) and returns
// what it carries (for a SPID/CIE UserInfo, a signed JWT still to verify).
func (k *Keys) OpenJWE(ctx context.Context, tenantID int64, compact string) (string, error) {
	jwe, err := jose.ParseEncryptedCompact(strings.TrimSpace(compact), jweKeyAlgs, jweContentEncs)
	if err != nil {
		return "", err
	}
	key, err := k.Decrypter(ctx, tenantID, jwe.Header.KeyID)
	if err != nil {
		return "", err
	}
	plain, err := jwe.Decrypt(key)
	if err != nil {
		return "", err
	}
	return string(plain), nil
}
