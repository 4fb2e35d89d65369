package idp

import (
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
	return jwt.Signed(signer).Claims(claims).Serialize()
}
