package idp

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/site"
)

// EndSessionURL ends a sign-in at its IdP once the session is closed here:
// it revokes the sign-in's tokens at the provider (a failure is logged and
// changes nothing for the user), then returns where to send the browser to
// sign out at the IdP too (RP-initiated logout), or "" when the IdP offers
// none.
func (f *Flow) EndSessionURL(ctx context.Context, method, idToken, back string) string {
	key, ok := strings.CutPrefix(method, "oidc:")
	t := site.FromContext(ctx)
	if !ok || t == nil || idToken == "" {
		return ""
	}
	i, err := f.Store.Get(ctx, t.ID, key)
	if err != nil {
		return ""
	}
	p, err := f.provider(ctx, i)
	if err != nil {
		f.log().Warn("identity provider unreachable at sign-out", "tenant", t.ID, "idp", i.Key)
		return ""
	}
	f.revoke(f.ctx(ctx), t, i, p, idToken)
	if p.EndSession == "" {
		return ""
	}
	return endSessionURL(p.EndSession, idToken, back, i.ClientID)
}

// endSessionURL is the provider's end_session_endpoint with the logout
// request's parameters added to the query it may already have ("" when
// the endpoint is no URL).
func endSessionURL(endpoint, idToken, back, clientID string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("id_token_hint", idToken)
	q.Set("post_logout_redirect_uri", back)
	q.Set("client_id", clientID)
	u.RawQuery = q.Encode()
	return u.String()
}

func (f *Flow) jwks(c *fiber.Ctx) error {
	t := site.FromContext(c.UserContext())
	if err := f.Keys.EnsureEncryption(c.UserContext(), t.ID); err != nil {
		return err
	}
	set, err := f.Keys.JWKS(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(set)
}

// Links lists the enabled IdPs of the request's tenant, for the sign-in page.
func (f *Flow) Links(ctx context.Context) []auth.IdPLink {
	t := site.FromContext(ctx)
	if t == nil {
		return nil
	}
	is, err := f.Store.List(ctx, t.ID)
	if err != nil {
		return nil
	}
	var links []auth.IdPLink
	for _, i := range is {
		if i.Enabled {
			links = append(links, auth.IdPLink{Key: i.Key, Label: i.Label, Kind: i.Kind})
		}
	}
	return links
}

// Check fetches an issuer's discovery and says what it offers.
func (f *Flow) Check(ctx context.Context, issuer string) (string, error) {
	p, err := gooidc.NewProvider(f.ctx(ctx), issuer)
	if err != nil {
		return "", err
	}
	var extra struct {
		EndSession string   `json:"end_session_endpoint"`
		Algs       []string `json:"id_token_signing_alg_values_supported"`
	}
	_ = p.Claims(&extra)
	e := p.Endpoint()
	return fmt.Sprintf("issuer %s: authorization %s, token %s, signing %s, logout %t",
		issuer, e.AuthURL, e.TokenURL, strings.Join(extra.Algs, " "), extra.EndSession != ""), nil
}
