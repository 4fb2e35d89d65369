package idp

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/piazza-pa/piazza/platform/site"
)

// maxUserInfo bounds a UserInfo response read.
const maxUserInfo = 1 << 20

// userInfoLeeway is how far past its exp a UserInfo JWT is still taken
// (clocks differ).
const userInfoLeeway = time.Minute

// addUserInfo completes the ID token's claims with the provider's UserInfo
// (the ID token's claims win), by this rule:
//
//   - SPID and CIE release the attributes only there, as a JWT signed by the
//     provider and encrypted to the tenant's key: any failure (no endpoint,
//     unreachable, an error status, not encrypted to the tenant's key, not
//     signed by the provider, another issuer, audience or subject, expired)
//     refuses the sign-in.
//   - A generic provider that offers no UserInfo: the ID token alone. When
//     its UserInfo call fails, the sign-in goes on only if the ID token
//     already holds every claim Piazza maps for that provider (the subject,
//     the given and family names, and the e-mail or fiscal number accounts
//     are linked by); otherwise it is refused.
//   - A UserInfo about another subject than the ID token is refused, for
//     every kind.
func (f *Flow) addUserInfo(ctx context.Context, t *site.Site, i *IdP, prov *provider, tok *oauth2.Token, claims map[string]any) error {
	sub := claim(claims, "sub")
	var info map[string]any
	var err error
	if i.Kind != "generic" {
		if info, err = f.eidUserInfo(ctx, t, i, prov, tok); err != nil {
			return err
		}
	} else {
		if prov.UserInfoEndpoint() == "" {
			return nil
		}
		if info, err = userInfoJSON(ctx, prov, tok); err != nil {
			if missing := missingClaims(i, claims); len(missing) > 0 {
				return refuse("userinfo_failed", fmt.Sprintf("the UserInfo failed (%v) and the ID token lacks %v", err, missing))
			}
			f.log().Warn("identity provider's UserInfo failed; the ID token holds the claims", "tenant", t.ID, "idp", i.Key, "error", err)
			return nil
		}
	}
	if got := claim(info, "sub"); got != sub {
		return refuse("userinfo_subject", "the UserInfo is about another subject than the ID token")
	}
	for k, v := range info {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	return nil
}

// userInfoJSON is a generic provider's UserInfo (JSON, or a signed JWT that
// go-oidc verifies).
func userInfoJSON(ctx context.Context, prov *provider, tok *oauth2.Token) (map[string]any, error) {
	ui, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	if err := ui.Claims(&out); err != nil {
		return nil, err
	}
	out["sub"] = ui.Subject
	return out, nil
}

// missingClaims are the claims a generic provider is mapped by that the ID
// token lacks.
func missingClaims(i *IdP, claims map[string]any) []string {
	need := []string{i.ClaimSubject, i.ClaimGivenName, i.ClaimFamilyName}
	switch i.LinkBy {
	case "email":
		need = append(need, i.ClaimEmail)
	case "fiscal_number":
		need = append(need, i.ClaimFiscalNumber)
	}
	var missing []string
	for _, n := range need {
		if claim(claims, n) == "" {
			missing = append(missing, n)
		}
	}
	return missing
}

// eidUserInfo fetches a SPID/CIE UserInfo: a JWE to the tenant's encryption
// key, holding a JWS of the provider for this client.
func (f *Flow) eidUserInfo(ctx context.Context, t *site.Site, i *IdP, prov *provider, tok *oauth2.Token) (map[string]any, error) {
	body, err := f.fetchUserInfo(ctx, prov.UserInfoEndpoint(), tok.AccessToken)
	if err != nil {
		return nil, refuse("userinfo_failed", "the UserInfo failed: "+err.Error())
	}
	inner, err := f.Keys.OpenJWE(ctx, t.ID, body)
	if err != nil {
		return nil, refuse("userinfo_invalid", "the UserInfo is not encrypted to this site's key: "+err.Error())
	}
	// The ID token's verifier checks what the rules ask of the UserInfo
	// JWT: the provider's signature, iss and aud (exp, optional for go-oidc
	// here, is checked below when present).
	ui, err := prov.verifier(&gooidc.Config{ClientID: i.ClientID, SkipExpiryCheck: true}).Verify(ctx, inner)
	if err != nil {
		return nil, refuse("userinfo_invalid", "the UserInfo is not a JWT of the provider for this site: "+err.Error())
	}
	if !ui.Expiry.IsZero() && time.Now().After(ui.Expiry.Add(userInfoLeeway)) {
		return nil, refuse("userinfo_invalid", "the UserInfo has expired")
	}
	out := map[string]any{}
	if err := ui.Claims(&out); err != nil {
		return nil, refuse("userinfo_invalid", "the UserInfo's claims cannot be read")
	}
	return out, nil
}

// fetchUserInfo GETs a UserInfo endpoint with the access token and returns
// the body of a 200 answer.
func (f *Flow) fetchUserInfo(ctx context.Context, endpoint, accessToken string) (string, error) {
	if endpoint == "" {
		return "", fmt.Errorf("the provider offers no UserInfo endpoint")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/jose, application/jwt")
	res, err := f.client().Do(req)
	if err != nil {
		return "", fmt.Errorf("unreachable")
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxUserInfo))
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d", res.StatusCode)
	}
	return string(body), nil
}
