package idp

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/site"
)

// revokeTimeout bounds the revocation calls of one sign-out.
const revokeTimeout = 10 * time.Second

// kept are a sign-in's provider tokens, kept sealed until sign-out.
type kept struct {
	Access  string `json:"a,omitempty"`
	Refresh string `json:"r,omitempty"`
}

// tokenVault seals kept tokens for their row (tenant and ID token digest).
func (f *Flow) tokenVault() vault {
	return vault{db: f.Store.db, box: f.Store.box, purpose: "idptoken"}
}

func idTokenRef(idToken string) (digest []byte, ref string) {
	d := secret.Digest(idToken)
	return d, base64.RawURLEncoding.EncodeToString(d)
}

// keepTokens keeps the access and refresh tokens of a sign-in until the
// session's end, to revoke them at sign-out (when the provider offers
// revocation: otherwise nothing is kept); expired ones are dropped.
func (f *Flow) keepTokens(ctx context.Context, tenantID int64, key string, got *signedIn, until time.Time) error {
	k := kept{Access: got.token.AccessToken, Refresh: got.token.RefreshToken}
	if !got.revocable || k.Access == "" && k.Refresh == "" {
		return nil
	}
	plain, err := json.Marshal(k)
	if err != nil {
		return err
	}
	digest, ref := idTokenRef(got.idToken)
	v := f.tokenVault()
	sealed, err := v.seal(plain, tenantID, ref)
	if err != nil {
		return err
	}
	if _, err := v.db.ExecContext(ctx, `INSERT INTO piazza.tenant_idp_tokens (tenant_id, id_token_hash, idp_key, tokens, expires_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, id_token_hash) DO UPDATE SET tokens = EXCLUDED.tokens, expires_at = EXCLUDED.expires_at`,
		tenantID, digest, key, sealed, until); err != nil {
		return fmt.Errorf("keep provider tokens: %w", err)
	}
	_, err = v.db.ExecContext(ctx, "DELETE FROM piazza.tenant_idp_tokens WHERE expires_at < now()")
	return err
}

// revoke takes back the tokens kept for the sign-in of idToken and revokes
// them at the provider's revocation endpoint (RFC 7009), authenticating as
// at the token endpoint. A failure is logged, without the tokens; the
// sign-out goes on.
func (f *Flow) revoke(ctx context.Context, t *site.Site, i *IdP, prov *provider, idToken string) {
	digest, ref := idTokenRef(idToken)
	v := f.tokenVault()
	var sealed []byte
	err := v.db.QueryRowContext(ctx, `DELETE FROM piazza.tenant_idp_tokens WHERE tenant_id = ? AND id_token_hash = ? AND idp_key = ?
		RETURNING tokens`, t.ID, digest, i.Key).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return
	}
	var k kept
	if err == nil {
		var plain []byte
		if plain, err = v.open(sealed, t.ID, ref); err == nil {
			err = json.Unmarshal(plain, &k)
		}
	}
	if err != nil {
		f.log().Warn("provider tokens unreadable at sign-out", "tenant", t.ID, "idp", i.Key, "error", err)
		return
	}
	if prov.Revocation == "" { // no longer offered since the sign-in
		f.log().Info("identity provider offers no token revocation", "tenant", t.ID, "idp", i.Key)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, revokeTimeout)
	defer cancel()
	for _, tk := range []struct{ token, hint string }{{k.Access, "access_token"}, {k.Refresh, "refresh_token"}} {
		if tk.token == "" {
			continue
		}
		if err := f.revokeOne(ctx, t, i, prov.Revocation, tk.token, tk.hint); err != nil {
			f.log().Warn("token revocation failed", "tenant", t.ID, "idp", i.Key, "token_type", tk.hint, "error", err)
		}
	}
}

// revokeOne asks the provider to revoke one token.
func (f *Flow) revokeOne(ctx context.Context, t *site.Site, i *IdP, endpoint, token, hint string) error {
	form := url.Values{"token": {token}, "token_type_hint": {hint}}
	switch i.ClientAuth {
	case AuthPrivateJWT:
		a, err := f.assertion(ctx, t, i, endpoint)
		if err != nil {
			return err
		}
		form.Set("client_id", i.ClientID)
		form.Set("client_assertion_type", ClientAssertionType)
		form.Set("client_assertion", a)
	case AuthPost:
		form.Set("client_id", i.ClientID)
		form.Set("client_secret", i.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if i.ClientAuth == AuthBasic {
		req.SetBasicAuth(url.QueryEscape(i.ClientID), url.QueryEscape(i.ClientSecret))
	}
	res, err := f.client().Do(req)
	if err != nil {
		return fmt.Errorf("revocation endpoint unreachable")
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("revocation endpoint answered %d", res.StatusCode)
	}
	return nil
}
