package idp_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/piazza-pa/piazza/modules/home"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/web/webtest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// opStorage is the example provider's storage, taught one more client that
// authenticates with private_key_jwt against a tenant's published key.
type opStorage struct {
	*storage.Storage
	jwtClient string
	keys      func() jose.JSONWebKeySet
}

type jwtClient struct{ op.Client }

func (jwtClient) AuthMethod() zoidc.AuthMethod { return zoidc.AuthMethodPrivateKeyJWT }

func (s *opStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err == nil && id == s.jwtClient {
		return jwtClient{c}, nil
	}
	return c, err
}

func (s *opStorage) GetKeyByIDAndClientID(ctx context.Context, kid, clientID string) (*jose.JSONWebKey, error) {
	if clientID == s.jwtClient {
		for _, k := range s.keys().Keys {
			if k.KeyID == kid {
				return &k, nil
			}
		}
	}
	return s.Storage.GetKeyByIDAndClientID(ctx, kid, clientID)
}

func (s *opStorage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	return s.Storage.AuthorizeClientIDSecret(ctx, id, secret)
}

type world struct {
	d        *dbtest.DB
	a, b     *tenant.Tenant
	issuer   string
	store    *idp.Store
	keys     *idp.Keys
	siteAddr string
	op       *opFront
	logs     *webtest.Log
	// chains resolves trust chains for the store and the flow (no anchor
	// until a test gives one).
	chains *federation.Resolver
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{d: dbtest.New(t), logs: &webtest.Log{}}
	box, err := secret.New(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	w.store, w.keys = idp.NewStore(w.d.DB, box), idp.NewKeys(w.d.DB, box)
	w.chains = &federation.Resolver{}
	w.store.Chains = w.chains
	reg, err := tenant.NewRegistry(ctx, w.d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test",
		OnProvision: []tenant.Hook{func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
			_, err := w.keys.Generate(ctx, tx, t.ID)
			return err
		}}})
	if err != nil {
		t.Fatal(err)
	}
	if w.a, err = reg.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Comune di Alpha"}); err != nil {
		t.Fatal(err)
	}
	if w.b, err = reg.Create(ctx, tenant.CreateParams{Slug: "beta", Name: "Comune di Beta"}); err != nil {
		t.Fatal(err)
	}

	// The OpenID provider, in-process on 127.0.0.1.
	opLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.issuer = "http://" + opLn.Addr().String() + "/"
	clients := map[string]*storage.Client{
		"piazza-alpha":     storage.WebClient("piazza-alpha", "alpha-secret", "http://alpha.piazza.test/auth/oidc/regione/callback", "http://alpha.piazza.test/auth/oidc/other/callback"),
		"piazza-beta":      storage.WebClient("piazza-beta", "beta-secret", "http://beta.piazza.test/auth/oidc/regione/callback"),
		"piazza-alpha-jwt": storage.WebClient("piazza-alpha-jwt", "unused", "http://alpha.piazza.test/auth/oidc/spid/callback"),
	}
	st := &opStorage{Storage: storage.NewStorageWithClients(storage.NewUserStore(w.issuer), clients), jwtClient: "piazza-alpha-jwt",
		keys: func() jose.JSONWebKeySet { s, _ := w.keys.JWKS(context.Background(), w.a.ID); return s }}
	router := exampleop.SetupServer(w.issuer, st, slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	w.op = &opFront{w: w, op: router, st: st}
	opSrv := &http.Server{Handler: w.op}
	go func() { _ = opSrv.Serve(opLn) }()
	t.Cleanup(func() { opSrv.Close() })

	for _, i := range []*idp.IdP{
		{TenantID: w.a.ID, Key: "regione", Label: "Regione", Issuer: w.issuer, ClientID: "piazza-alpha", ClientSecret: "alpha-secret"},
		{TenantID: w.a.ID, Key: "spid", Label: "SPID", Kind: "spid", Issuer: w.issuer, ClientID: "piazza-alpha-jwt", ClientAuth: idp.AuthPrivateJWT},
		{TenantID: w.b.ID, Key: "regione", Label: "Regione", Issuer: w.issuer, ClientID: "piazza-beta", ClientSecret: "beta-secret", ClientAuth: idp.AuthPost},
	} {
		if err := w.store.Add(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	w.siteAddr = serveSite(t, w, reg)
	return w
}

func serveSite(t *testing.T, w *world, reg *tenant.Registry) string {
	t.Helper()
	p := csrf.New(csrf.Config{Key: bytes.Repeat([]byte{4}, 32)})
	az, err := authz.New(w.d.DB, 10)
	if err != nil {
		t.Fatal(err)
	}
	sessions := session.Tenant(time.Hour, 12*time.Hour)
	flow := &idp.Flow{DB: w.d.DB, Store: w.store, Keys: w.keys, Sessions: sessions, CSRF: p, Scheme: "http", Chains: w.chains,
		Log: slog.New(slog.NewTextHandler(w.logs, nil))}
	shell, err := web.NewShellFrom(auth.Messages, home.Messages)
	if err != nil {
		t.Fatal(err)
	}
	am, err := auth.New(auth.Deps{Shell: shell, DB: w.d.DB, Sessions: sessions, Local: &auth.Local{}, CSRF: p, Authz: az, Scheme: "http",
		EndSession: flow.EndSessionURL, IdPLinks: flow.Links})
	if err != nil {
		t.Fatal(err)
	}
	h, err := home.New(shell)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Shell: shell, OperatorHost: "admin.piazza.test", DB: w.d.DB, Tenant: tenant.Middleware(tenant.NewResolver(reg)), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Shared: []fiber.Handler{p.Handler(), am.Middleware()}, TenantModules: []web.Module{am, flow, h}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _ = srv.Serve(ctx, ln) }()
	t.Cleanup(cancel)
	return ln.Addr().String()
}

// browser is a cookie-keeping client reaching *.piazza.test on the site and
// everything else where it is; it does not follow redirects by itself.
func (w *world) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if strings.HasSuffix(strings.Split(addr, ":")[0], ".piazza.test") {
			addr = w.siteAddr
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return &http.Client{Jar: jar, Transport: &http.Transport{DialContext: dial},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type page struct {
	status   int
	location string
	body     string
}

func get(t *testing.T, c *http.Client, u string) page {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	loc, _ := res.Location()
	p := page{status: res.StatusCode, body: string(b)}
	if loc != nil {
		p.location = loc.String()
	}
	return p
}

// toIdP starts a sign-in and returns the provider's login page address
// (with the auth request id) and our callback's state, by following the
// redirects up to the provider's login form.
func toIdP(t *testing.T, c *http.Client, start string) (authRequestID, state string) {
	t.Helper()
	p := get(t, c, start)
	if p.status != 302 {
		t.Fatalf("start %s: %d %s", start, p.status, p.body)
	}
	u, _ := url.Parse(p.location)
	state = u.Query().Get("state")
	if state == "" { // a signed request object carries it
		state = "(in request object)"
	}
	p = get(t, c, p.location)
	if p.status != 302 {
		t.Fatalf("authorize: %d %s", p.status, p.body)
	}
	lu, _ := url.Parse(p.location)
	return lu.Query().Get("authRequestID"), state
}

// atIdP signs in at the provider and returns our callback URL it sends back.
func (w *world) atIdP(t *testing.T, c *http.Client, authRequestID string) string {
	t.Helper()
	host := strings.TrimSuffix(strings.TrimPrefix(w.issuer, "http://"), "/")
	res, err := c.PostForm(w.issuer+"login/username", url.Values{
		"username": {"test-user@" + strings.Split(host, ":")[0]}, "password": {"verysecure"}, "id": {authRequestID}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, _ := res.Location()
	p := get(t, c, loc.String()) // the provider's authorize callback
	if p.status != 302 || !strings.Contains(p.location, ".piazza.test/auth/oidc/") {
		t.Fatalf("provider callback: %d %s %s", p.status, p.location, p.body)
	}
	return p.location
}

func TestOIDCSignIn(t *testing.T) {
	w := newWorld(t)
	c := w.browser()
	reqID, _ := toIdP(t, c, "http://alpha.piazza.test/auth/oidc/regione/login?return_to=/communities")
	callback := w.atIdP(t, c, reqID)
	p := get(t, c, callback)
	if p.status != 303 || p.location != "http://alpha.piazza.test/communities" {
		t.Fatalf("callback: %d %q %s", p.status, p.location, p.body)
	}
	home := get(t, c, "http://alpha.piazza.test/")
	if !strings.Contains(home.body, "Test User") {
		t.Fatalf("signed-in home: %s", home.body)
	}
	// Signing out also signs out at the provider (RP-initiated logout), which
	// offers an end_session_endpoint: the browser is sent there with the ID
	// token as hint and our home as the way back.
	token := csrfToken(t, get(t, c, "http://alpha.piazza.test/").body)
	res, err := c.PostForm("http://alpha.piazza.test/auth/logout", url.Values{"_csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	end, _ := res.Location()
	if res.StatusCode != 303 || end == nil || !strings.HasPrefix(end.String(), w.issuer) ||
		end.Query().Get("id_token_hint") == "" || end.Query().Get("post_logout_redirect_uri") != "http://alpha.piazza.test/" {
		t.Fatalf("sign-out: %d to %v", res.StatusCode, end)
	}
	if home := get(t, c, "http://alpha.piazza.test/"); strings.Contains(home.body, "Test User") {
		t.Fatal("still signed in after signing out")
	}
	// The access token was revoked at the provider (client_secret_basic:
	// the client authenticates in the header, not in the form).
	if revs := w.op.revocations(); len(revs) != 1 || revs[0].Get("token") == "" || revs[0].Get("client_secret") != "" {
		t.Fatalf("revocation requests: %v", revs)
	}
	// The user exists in alpha's schema only.
	admin := w.d.Admin(t)
	var inA, inB int
	if err := admin.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM t_alpha.users WHERE email = 'test-user@zitadel.ch'),
		(SELECT count(*) FROM t_beta.users WHERE email = 'test-user@zitadel.ch')`).Scan(&inA, &inB); err != nil {
		t.Fatal(err)
	}
	if inA != 1 || inB != 0 {
		t.Fatalf("user rows: alpha %d, beta %d", inA, inB)
	}
	// The same callback, replayed: refused, and no second session appears.
	replay := get(t, w.browser(), callback)
	if replay.status != 403 || !strings.Contains(replay.body, "già stato usato") {
		t.Fatalf("replayed callback: %d %s", replay.status, replay.body)
	}
	// The code of that sign-in, brought back with the state of a new one:
	// the provider refuses it (used, and issued for another PKCE challenge).
	fresh := get(t, c, "http://alpha.piazza.test/auth/oidc/regione/login")
	code := mustQuery(t, callback, "code")
	if p := get(t, c, "http://alpha.piazza.test/auth/oidc/regione/callback?code="+url.QueryEscape(code)+"&state="+url.QueryEscape(mustQuery(t, fresh.location, "state"))); p.status != 403 {
		t.Fatalf("replayed code: %d %s", p.status, p.body)
	}
	// A second sign-in finds the same user (no duplicate).
	c2 := w.browser()
	reqID, _ = toIdP(t, c2, "http://alpha.piazza.test/auth/oidc/regione/login")
	if p := get(t, c2, w.atIdP(t, c2, reqID)); p.status != 303 {
		t.Fatalf("second sign-in: %d %s", p.status, p.body)
	}
	if err := admin.QueryRow(context.Background(), "SELECT count(*) FROM t_alpha.users").Scan(&inA); err != nil || inA != 1 {
		t.Fatalf("users after two sign-ins: %d %v", inA, err)
	}
}

// private_key_jwt and a signed request object, against the tenant's JWKS.
func TestOIDCPrivateKeyJWTAndRequestObject(t *testing.T) {
	w := newWorld(t)
	w.op.setUserInfo("jwe") // SPID's UserInfo
	c := w.browser()
	// The sign-in page shows the SPID button with AgID's icon.
	login := get(t, c, "http://alpha.piazza.test/auth/login")
	icon := regexp.MustCompile(`class="idp-spid" href="/auth/oidc/spid/login[^"]*"><img src="([^"]+spid-ico-circle-bb.svg)"`).FindStringSubmatch(login.body)
	if icon == nil {
		t.Fatalf("no SPID button on the sign-in page:\n%s", login.body)
	}
	if p := get(t, c, "http://alpha.piazza.test"+icon[1]); p.status != 200 || !strings.Contains(p.body, "<svg") {
		t.Fatalf("SPID icon: %d", p.status)
	}
	start := get(t, c, "http://alpha.piazza.test/auth/oidc/spid/login")
	u, _ := url.Parse(start.location)
	if u.Query().Get("request") == "" || u.Query().Get("acr_values") != "https://www.spid.gov.it/SpidL2" {
		t.Fatalf("authorization request: %s", start.location)
	}
	p := get(t, c, start.location)
	if p.status != 302 {
		t.Fatalf("the provider refused the request object: %d %s", p.status, p.body)
	}
	lu, _ := url.Parse(p.location)
	callback := w.atIdP(t, c, lu.Query().Get("authRequestID"))
	if p := get(t, c, callback); p.status != 303 {
		t.Fatalf("callback with private_key_jwt: %d %s", p.status, p.body)
	}
	if home := get(t, c, "http://alpha.piazza.test/"); !strings.Contains(home.body, "Mario Rossi") {
		t.Fatalf("not signed in: %s", home.body)
	}
	jwks := get(t, c, "http://alpha.piazza.test/.well-known/jwks.json")
	if jwks.status != 200 || !strings.Contains(jwks.body, `"kty":"RSA"`) || !strings.Contains(jwks.body, `"use":"enc"`) || strings.Contains(jwks.body, `"d":`) {
		t.Fatalf("jwks: %d %s", jwks.status, jwks.body)
	}
}

var csrfFieldRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func csrfToken(t *testing.T, page string) string {
	t.Helper()
	m := csrfFieldRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in %s", page)
	}
	return m[1]
}
