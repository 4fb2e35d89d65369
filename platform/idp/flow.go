package idp

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"
	"golang.org/x/oauth2"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/site"
	"github.com/piazza-pa/piazza/platform/web"
)

// ErrSignIn is a refused sign-in; the message says why, for the user.
var ErrSignIn = platform.NewError(platform.ErrForbidden, "sign-in refused")

// refuse is a refused sign-in: the message key (auth.oidc.<key>) is shown
// in the user's language; why, in English, goes to logs and tests.
func refuse(key, why string) error {
	return fmt.Errorf("%w: %w", ErrSignIn, platform.NewKeyedError(platform.ErrForbidden, "auth.oidc."+key, why))
}

// unavailable is the refusal of a sign-in through i, whose metadata could
// not be had: for a provider given by entity id, its trust chain (or a
// trust mark its anchor requires) did not verify, and the reason is
// logged for the operators.
func (f *Flow) unavailable(i *IdP, err error) error {
	if i.EntityID == "" {
		return refuse("unreachable", "the identity provider cannot be reached")
	}
	f.log().Warn("sign-in refused: trust chain not verified", "idp", i.Key, "entity_id", i.EntityID, "reason", err.Error())
	return refuse("trust_chain", "the identity provider's trust chain is not verified")
}

// browserCookie binds a sign-in under way to the browser that started it.
const browserCookie = "piazza_oidc"

// loginValidity is how long the round trip to the IdP may take.
const loginValidity = 10 * time.Minute

// discoveryTTL is how long a provider's discovery document is trusted.
const discoveryTTL = time.Hour

// Flow runs the authorization-code flow for a tenant's IdPs.
type Flow struct {
	DB       *bun.DB
	Store    *Store
	Keys     *Keys
	Sessions *session.Store
	CSRF     *csrf.Protector
	Secure   bool
	Scheme   string
	// Client makes the requests to IdPs (discovery, token, userinfo,
	// revocation).
	Client *http.Client
	// Chains resolves the trust chains of providers given by entity id.
	Chains TrustChains
	// Log hears of what fails without failing the request (a revocation
	// refused at sign-out); nil: slog.Default().
	Log *slog.Logger

	mu        sync.Mutex
	providers map[string]cachedProvider
}

// Routes registers the sign-in, callback and key-set routes of a tenant.
func (f *Flow) Routes(r fiber.Router) {
	r.Get("/auth/oidc/:key/login", f.login)
	r.Get("/auth/oidc/:key/callback", f.callback)
	r.Get("/.well-known/jwks.json", f.jwks)
}

func (f *Flow) redirectURI(c *fiber.Ctx, key string) string {
	return site.RequestURL(c, f.Scheme, "/auth/oidc/"+key+"/callback")
}

func (f *Flow) oauth(i *IdP, p *provider, redirect string) *oauth2.Config {
	e := p.Endpoint()
	switch i.ClientAuth {
	case AuthBasic:
		e.AuthStyle = oauth2.AuthStyleInHeader
	default:
		e.AuthStyle = oauth2.AuthStyleInParams
	}
	return &oauth2.Config{ClientID: i.ClientID, ClientSecret: i.ClientSecret, Endpoint: e,
		RedirectURL: redirect, Scopes: i.Scopes}
}

func (f *Flow) enabledIdP(ctx context.Context, key string) (*site.Site, *IdP, error) {
	t := site.FromContext(ctx)
	if t == nil {
		return nil, nil, fiber.ErrNotFound
	}
	i, err := f.Store.Get(ctx, t.ID, key)
	if err != nil {
		return nil, nil, err
	}
	if !i.Enabled {
		return nil, nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return t, i, nil
}

func (f *Flow) login(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t, i, err := f.enabledIdP(ctx, c.Params("key"))
	if err != nil {
		return err
	}
	p, err := f.provider(ctx, i)
	if err != nil {
		return f.unavailable(i, err)
	}
	if i.Kind != "generic" { // the UserInfo will be encrypted to the tenant's key
		if err := f.Keys.EnsureEncryption(ctx, t.ID); err != nil {
			return err
		}
	}
	browser := c.Cookies(browserCookie)
	if len(browser) != 43 {
		browser = secret.Token(32)
		c.Cookie(&fiber.Cookie{Name: browserCookie, Value: browser, Path: "/auth/oidc/", HTTPOnly: true,
			Secure: f.Secure, SameSite: fiber.CookieSameSiteLaxMode})
	}
	state, nonce, verifier := secret.Token(32), secret.Token(32), oauth2.GenerateVerifier()
	ret := redirect.Safe(c.Query("return_to"))
	err = site.Tx(ctx, f.DB, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_logins (state_hash, browser, idp_key, nonce, code_verifier, return_to, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, secret.Digest(state), secret.Digest(browser), i.Key, nonce, verifier, ret, time.Now().Add(loginValidity))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM oidc_logins WHERE expires_at < now()")
		return err
	})
	if err != nil {
		return err
	}
	i = p.restrict(i)
	conf := f.oauth(i, p, f.redirectURI(c, i.Key))
	opts, err := f.authOptions(ctx, t, i, conf, state, nonce, verifier)
	if err != nil {
		return err
	}
	return redirect.Away(c, conf.AuthCodeURL(state, opts...), fiber.StatusFound)
}

// authOptions are the authorization request's parameters besides those of
// conf: nonce, PKCE, acr_values, prompt and, when the IdP takes one, the
// signed request object (with the claims asked of SPID and CIE).
func (f *Flow) authOptions(ctx context.Context, t *site.Site, i *IdP, conf *oauth2.Config, state, nonce, verifier string) ([]oauth2.AuthCodeOption, error) {
	opts := []oauth2.AuthCodeOption{gooidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)}
	if len(i.ACRValues) > 0 {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", strings.Join(i.ACRValues, " ")))
	}
	if i.Prompt != "" {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", i.Prompt))
	}
	if !i.RequestObject && i.Kind == "generic" {
		return opts, nil
	}
	key, err := f.Keys.Signer(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	r := AuthRequest{Issuer: i.Issuer, ClientID: i.ClientID, RedirectURI: conf.RedirectURL,
		Scope: strings.Join(i.Scopes, " "), State: state, Nonce: nonce, CodeChallenge: oauth2.S256ChallengeFromVerifier(verifier),
		ACRValues: strings.Join(i.ACRValues, " "), Prompt: i.Prompt}
	if i.Kind != "generic" {
		r.Claims = ClaimsRequest(i.Claims)
	}
	ro, err := RequestObject(key, r, time.Now())
	if err != nil {
		return nil, err
	}
	return append(opts, oauth2.SetAuthURLParam("request", ro)), nil
}

// pending is a sign-in under way, read back (and deleted) at the callback.
type pending struct {
	Browser      []byte    `bun:"browser"`
	IdPKey       string    `bun:"idp_key"`
	Nonce        string    `bun:"nonce"`
	CodeVerifier string    `bun:"code_verifier"`
	ReturnTo     string    `bun:"return_to"`
	ExpiresAt    time.Time `bun:"expires_at"`
}

// take consumes the sign-in of state: it must exist, belong to this
// browser and this IdP, and not have expired.
func (f *Flow) take(ctx context.Context, state, browser, key string) (*pending, error) {
	if state == "" {
		return nil, refuse("no_state", "the answer of the identity provider has no state")
	}
	var p pending
	err := site.Tx(ctx, f.DB, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`DELETE FROM oidc_logins WHERE state_hash = ?
			RETURNING browser, idp_key, nonce, code_verifier, return_to, expires_at`, secret.Digest(state)).Scan(ctx, &p)
	})
	switch {
	case err != nil && strings.Contains(err.Error(), "no rows"):
		return nil, refuse("unknown_state", "this sign-in is unknown or was already used: start again")
	case err != nil:
		return nil, err
	case string(p.Browser) != string(secret.Digest(browser)):
		return nil, refuse("other_browser", "this sign-in was started in another browser")
	case p.IdPKey != key:
		return nil, refuse("other_idp", "this sign-in was started with another identity provider")
	case time.Now().After(p.ExpiresAt):
		return nil, refuse("expired", "this sign-in took too long: start again")
	}
	return &p, nil
}

func (f *Flow) callback(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t, i, err := f.enabledIdP(ctx, c.Params("key"))
	if err != nil {
		return err
	}
	p, err := f.take(ctx, c.Query("state"), c.Cookies(browserCookie), i.Key)
	if err != nil {
		return err
	}
	if e := c.Query("error"); e != "" {
		return refuse("idp_error", "the identity provider answered: "+e)
	}
	// RFC 9207 (CIE requires it): an answer naming its issuer must name ours,
	// against a provider mix-up.
	if iss := c.Query("iss"); iss != "" && iss != i.Issuer {
		return refuse("other_issuer", "the answer comes from another identity provider")
	}
	got, err := f.exchange(c, t, i, p)
	if err != nil {
		return err
	}
	var u *auth.User
	err = site.Tx(ctx, f.DB, func(ctx context.Context, tx bun.Tx) error {
		u, err = provisionUser(ctx, tx, i, got.claims)
		return err
	})
	if err != nil {
		return err
	}
	sess := &session.Session{UserID: u.ID, ClientAddr: web.ClientAddr(c), Method: "oidc:" + i.Key, IDToken: got.idToken}
	var token string
	err = site.Tx(ctx, f.DB, func(ctx context.Context, tx bun.Tx) error {
		token, err = f.Sessions.Create(ctx, tx, sess)
		return err
	})
	if err != nil {
		return err
	}
	if err := f.keepTokens(ctx, t.ID, i.Key, got, sess.ExpiresAt); err != nil {
		return err
	}
	session.SetCookie(c, token, sess.ExpiresAt, f.Secure)
	f.CSRF.Rotate(c)
	return redirect.To(c, p.ReturnTo)
}

// signedIn is what the token endpoint and the UserInfo gave: the verified
// claims, the raw ID token (for RP-initiated logout) and the tokens to
// revoke at sign-out.
type signedIn struct {
	claims  map[string]any
	idToken string
	token   *oauth2.Token
	// revocable: the provider offers a revocation endpoint (the tokens
	// are kept for sign-out only then).
	revocable bool
}

// exchange trades the code for tokens and returns the verified claims (ID
// token, completed by the UserInfo as userInfo says) and the raw ID token.
func (f *Flow) exchange(c *fiber.Ctx, t *site.Site, i *IdP, p *pending) (*signedIn, error) {
	ctx := f.ctx(c.UserContext())
	prov, err := f.provider(ctx, i)
	if err != nil {
		return nil, f.unavailable(i, err)
	}
	conf := f.oauth(i, prov, f.redirectURI(c, i.Key))
	opts := []oauth2.AuthCodeOption{oauth2.VerifierOption(p.CodeVerifier)}
	if i.ClientAuth == AuthPrivateJWT {
		a, err := f.assertion(ctx, t, i, conf.Endpoint.TokenURL)
		if err != nil {
			return nil, err
		}
		opts = append(opts, AssertionOptions(a)...)
	}
	tok, err := conf.Exchange(ctx, c.Query("code"), opts...)
	if err != nil {
		return nil, refuse("code_refused", "the identity provider refused the code")
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, refuse("no_id_token", "the identity provider sent no ID token")
	}
	idt, err := prov.verifier(&gooidc.Config{ClientID: i.ClientID}).Verify(ctx, raw)
	if err != nil && i.EntityID != "" { // keys rotated since the chain was resolved: resolve it again, once
		f.forget(i)
		if prov, err = f.provider(ctx, i); err != nil {
			return nil, f.unavailable(i, err)
		}
		idt, err = prov.verifier(&gooidc.Config{ClientID: i.ClientID}).Verify(ctx, raw)
	}
	if err != nil {
		return nil, refuse("invalid_token", "the ID token is not valid: "+err.Error())
	}
	if idt.Nonce != p.Nonce {
		return nil, refuse("nonce", "the ID token does not answer this sign-in (nonce)")
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return nil, err
	}
	if err := checkACR(i, claim(claims, "acr")); err != nil {
		return nil, err
	}
	if err := f.addUserInfo(ctx, t, i, prov, tok, claims); err != nil {
		return nil, err
	}
	return &signedIn{claims: claims, idToken: raw, token: tok, revocable: prov.Revocation != ""}, nil
}

// assertion is a private_key_jwt client assertion for endpoint, signed
// with the tenant's current key.
func (f *Flow) assertion(ctx context.Context, t *site.Site, i *IdP, endpoint string) (string, error) {
	key, err := f.Keys.Signer(ctx, t.ID)
	if err != nil {
		return "", err
	}
	return ClientAssertion(key, i.ClientID, endpoint, i.Issuer, time.Now())
}
