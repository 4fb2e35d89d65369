package admin_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/admin"
	"github.com/piazza-pa/piazza/platform/audit"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/mail/mailtest"
	"github.com/piazza-pa/piazza/platform/password"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/web/webtest"
	"github.com/piazza-pa/piazza/tenant"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, admin.Messages) }

type world struct {
	d      *dbtest.DB
	reg    *tenant.Registry
	a, b   *tenant.Tenant
	addr   string
	smtp   *mailtest.Server
	member int64
	// idps is the store behind the admin area (its Chains resolve trust
	// chains: none until a test sets them).
	idps *idp.Store
	// fed keeps the tenants' federation settings.
	fed *federation.Keys
	// marks checks the trust marks pasted in the federation settings.
	marks *federation.Resolver
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{d: dbtest.New(t), smtp: mailtest.Start(t)}
	var err error
	w.reg, err = tenant.NewRegistry(ctx, w.d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test",
		OnProvision: []tenant.Hook{func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
			return authz.SeedTenant(ctx, tx, t.Domain())
		}}})
	if err != nil {
		t.Fatal(err)
	}
	if w.a, err = w.reg.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Comune di Alpha"}); err != nil {
		t.Fatal(err)
	}
	if w.b, err = w.reg.Create(ctx, tenant.CreateParams{Slug: "beta", Name: "Comune di Beta"}); err != nil {
		t.Fatal(err)
	}
	hash, _ := password.Hash("una password lunga")
	for _, tn := range []*tenant.Tenant{w.a, w.b} {
		var adminID int64
		err := db.InTenant(ctx, w.d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
			if err := auth.SetLocalAccounts(ctx, tx, true); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO users (email, display_name, password_hash, email_verified_at)
				VALUES ('admin@'||?||'.example', 'Admin', ?, now()) RETURNING id`, tn.Slug, hash).Scan(&adminID); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `INSERT INTO users (email, display_name, password_hash, email_verified_at)
				VALUES ('member@'||?||'.example', 'Mario Membro', ?, now()) RETURNING id`, tn.Slug, hash).Scan(&w.member)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := authz.Assign(ctx, w.d.DB, fmt.Sprintf("user:%d", adminID), authz.RoleAdmin, tn.Domain()); err != nil {
			t.Fatal(err)
		}
	}
	shell, err := web.NewShellFrom(auth.Messages, admin.Messages)
	if err != nil {
		t.Fatal(err)
	}
	az, _ := authz.New(w.d.DB, 10)
	p := csrf.New(csrf.Config{Key: bytes.Repeat([]byte{6}, 32)})
	sender, _ := mail.NewSMTP(w.smtp.URL(), "noreply@piazza.test")
	local := &auth.Local{Mail: sender, Window: time.Minute, MaxPerAccount: 5, MaxPerAddr: 50}
	am, err := auth.New(auth.Deps{Shell: shell, DB: w.d.DB, Sessions: session.Tenant(time.Hour, time.Hour), Local: local, CSRF: p, Authz: az, Scheme: "http"})
	if err != nil {
		t.Fatal(err)
	}
	box, _ := secret.New(bytes.Repeat([]byte{1}, 32))
	store := idp.NewStore(w.d.DB, box)
	w.idps = store
	w.fed = federation.NewKeys(w.d.DB, box)
	w.marks = &federation.Resolver{}
	if err := store.Add(ctx, &idp.IdP{TenantID: w.a.ID, Key: "regione", Issuer: "https://sso.regione.example", ClientID: "c", ClientSecret: "s"}); err != nil {
		t.Fatal(err)
	}
	adm, err := admin.New(admin.Deps{DB: w.d.DB, Registry: w.reg, IdPs: store, Local: local, Shell: shell, Scheme: "http", Federation: &admin.Federation{Settings: w.fed.Settings, Save: w.fed.SaveSettings, CheckTrustMark: w.marks.CheckTrustMark},
		Check:   func(context.Context, string) (string, error) { return "discovery ok", nil },
		PageFor: func(c *fiber.Ctx, site string) web.Page { return auth.PageFor(c, shell, site, csrf.Token(c)) },
		Record: func(c *fiber.Ctx, tn *tenant.Tenant, action string, detail map[string]any) error {
			id := tn.ID
			actor := "?"
			if u := auth.UserFromContext(c.UserContext()); u != nil {
				actor = u.Email
			}
			return audit.Record(c.UserContext(), w.d.DB, audit.Entry{Actor: actor, TenantID: &id, TenantSlug: tn.Slug, Action: action, Detail: detail})
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Shell: shell, OperatorHost: "admin.piazza.test", DB: w.d.DB,
		Tenant: tenant.Middleware(tenant.NewResolver(w.reg)), Shared: []fiber.Handler{p.Handler(), am.Middleware()},
		TenantModules: []web.Module{am, adm}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	go func() { _ = srv.Serve(sctx, ln) }()
	w.addr = ln.Addr().String()
	return w
}

type browser struct {
	*webtest.Browser
	t *testing.T
}

func (w *world) browser(t *testing.T) *browser {
	return &browser{Browser: webtest.NewBrowser(t, w.addr), t: t}
}

func (b *browser) get(u string) (int, string) { return b.Get(u) }

func (b *browser) post(page, u string, form url.Values) (int, string) {
	res, body := b.Post(page, u, form)
	return res.StatusCode, body
}

func (b *browser) signIn(site, email string) {
	if code, _ := b.post(site+"/auth/login", site+"/auth/login", url.Values{"email": {email}, "password": {"una password lunga"}}); code != 303 {
		b.t.Fatalf("sign-in %s: %d", email, code)
	}
}

func TestAdminArea(t *testing.T) {
	w := newWorld(t)
	const alpha, beta = "http://alpha.piazza.test", "http://beta.piazza.test"
	guest := w.browser(t)
	if code, _ := guest.get(alpha + "/admin"); code != 403 {
		t.Fatalf("guest: %d", code)
	}
	member := w.browser(t)
	member.signIn(alpha, "member@alpha.example")
	if code, _ := member.get(alpha + "/admin"); code != 403 {
		t.Fatalf("member: %d", code)
	}
	adm := w.browser(t)
	adm.signIn(alpha, "admin@alpha.example")
	code, page := adm.get(alpha + "/admin")
	if code != 200 || !strings.Contains(page, "Mario Membro") || strings.Contains(page, "member@beta.example") {
		t.Fatalf("overview: %d", code)
	}
	if _, page := adm.get(alpha + "/admin?q=mario"); !strings.Contains(page, "member@alpha.example") || strings.Contains(page, "admin@alpha.example") {
		t.Fatal("member search does not filter")
	}
	// Alpha's admin has no power at beta, whatever the route.
	for _, u := range []string{"/admin", "/admin/audit"} {
		if code, _ := adm.get(beta + u); code != 403 {
			t.Errorf("alpha's admin GET beta%s: %d", u, code)
		}
	}
	for _, u := range []string{"/admin/local-accounts", "/admin/hosts", "/admin/members/invite", fmt.Sprintf("/admin/members/%d/suspend", w.member), "/admin/idps/regione/disable"} {
		if code, _ := adm.post(beta+"/auth/login", beta+u, url.Values{"host": {"x.example.it"}, "email": {"x@y.it"}}); code != 403 {
			t.Errorf("alpha's admin POST beta%s: %d", u, code)
		}
	}

	steps := []struct {
		name string
		url  string
		form url.Values
		code int
		has  string
	}{
		{"make the member a validator", fmt.Sprintf("/admin/members/%d/role", w.member), url.Values{"role": {"validator"}}, 200, "Fatto"},
		{"suspend the member", fmt.Sprintf("/admin/members/%d/suspend", w.member), url.Values{}, 200, "sospeso"},
		{"add a host", "/admin/hosts", url.Values{"host": {"Partecipa.Alpha.Example.IT"}}, 200, "partecipa.alpha.example.it"},
		{"add a taken host", "/admin/hosts", url.Values{"host": {"beta.piazza.test"}}, 422, "beta.piazza.test"},
		{"add a bad host", "/admin/hosts", url.Values{"host": {"not a host"}}, 422, "not a host"},
		{"squat a future tenant's host", "/admin/hosts", url.Values{"host": {"futuro.piazza.test"}}, 422, "futuro.piazza.test: gli indirizzi sotto piazza.test"},
		{"squat a reserved name", "/admin/hosts", url.Values{"host": {"login.piazza.test"}}, 422, "parola riservata"},
		{"squat the operator's name", "/admin/hosts", url.Values{"host": {"www.piazza.test"}}, 422, "parola riservata"},
		{"remove the default host", "/admin/hosts/remove", url.Values{"host": {"alpha.piazza.test"}}, 422, "alpha.piazza.test"},
		{"turn local accounts off", "/admin/local-accounts", url.Values{"on": {"off"}, "confirm": {"yes"}}, 200, "disattivat"},
		{"turn local accounts on", "/admin/local-accounts", url.Values{"on": {"on"}}, 200, "sono attivi"},
		{"disable the IdP", "/admin/idps/regione/disable", url.Values{}, 200, "disattivato"},
		{"check the IdP", "/admin/idps/regione/check", url.Values{}, 200, "discovery ok"},
		{"invite someone", "/admin/members/invite", url.Values{"email": {"nuova@alpha.example"}}, 200, "nuova@alpha.example"},
		{"add an IdP with a bad issuer", "/admin/idps", url.Values{"key": {"kc"}, "issuer": {"ftp://kc"}, "client_id": {"c"}, "client_secret": {"s"}, "client_auth": {"client_secret_basic"}}, 422, "Issuer: serve un indirizzo https://"},
		{"add an IdP", "/admin/idps", url.Values{"key": {"kc"}, "label": {"Keycloak"}, "kind": {"generic"}, "issuer": {"https://kc.alpha.example/realms/pa"},
			"client_id": {"piazza"}, "client_secret": {"segreto-kc"}, "client_auth": {"client_secret_post"}, "scopes": {"openid email"}, "link_by": {"email"}}, 200, "Keycloak"},
		{"edit the IdP keeping its secret", "/admin/idps/kc/edit", url.Values{"label": {"Keycloak regionale"}, "kind": {"generic"}, "issuer": {"https://kc.alpha.example/realms/pa"},
			"client_id": {"piazza"}, "client_auth": {"client_secret_post"}, "scopes": {"openid email"}, "link_by": {"email"}}, 200, "Keycloak regionale"},
		{"add a SPID provider asking for an unknown attribute", "/admin/idps", spidForm(url.Values{"claims": {"given_name shoe_size"}}), 422, "Dati richiesti: solo per SPID e CIE"},
		{"add a SPID provider with prompt login", "/admin/idps", spidForm(url.Values{"prompt": {"login"}}), 422, "Prompt: per SPID e CIE"},
		{"add a SPID provider at an unknown level", "/admin/idps", spidForm(url.Values{"acr": {"https://www.spid.gov.it/SpidL9"}}), 422, "Livello di sicurezza"},
		{"add a SPID provider with a shared secret", "/admin/idps", spidForm(url.Values{"client_auth": {"client_secret_basic"}, "client_secret": {"s"}}), 422, "private_key_jwt"},
		{"add a SPID provider", "/admin/idps", spidForm(url.Values{"claims": {"given_name family_name fiscal_number"}, "prompt": {"consent"},
			"acr": {"https://www.spid.gov.it/SpidL3"}}), 200, "Entra con SPID"},
	}
	for _, s := range steps {
		code, body := adm.post(alpha+"/admin", alpha+s.url, s.form)
		if code != s.code || !strings.Contains(body, s.has) {
			t.Errorf("%s: %d, want %d with %q", s.name, code, s.code, s.has)
		}
	}
	if code, page := adm.get(alpha + "/admin/idps/kc"); code != 200 || strings.Contains(page, "segreto-kc") {
		t.Errorf("the IdP form: %d, or it shows the secret", code)
	}
	if code, page := adm.get(alpha + "/admin/idps/spid"); code != 200 || !strings.Contains(page, `value="given_name family_name fiscal_number"`) ||
		!strings.Contains(page, `value="consent"`) || !strings.Contains(page, `value="https://www.spid.gov.it/SpidL3"`) {
		t.Errorf("the SPID provider's form: %d, or it lost its claims, prompt or level", code)
	}
	if _, page := adm.get(alpha + "/admin?q=mario"); !strings.Contains(page, `<option value="validator" selected>`) {
		t.Error("the member's new role is not shown")
	}
	// The suspended member is signed out and cannot sign in.
	if _, page := member.get(alpha + "/auth/password"); strings.Contains(page, "Mario Membro") {
		t.Error("the suspended member is still signed in")
	}
	w.smtp.Wait(t, "nuova@alpha.example")
	// The admin cannot lock themselves out.
	var self int64
	_ = db.InTenant(context.Background(), w.d.DB, w.a.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT id FROM users WHERE email = 'admin@alpha.example'").Scan(&self)
	})
	if code, _ := adm.post(alpha+"/admin", alpha+fmt.Sprintf("/admin/members/%d/role", self), url.Values{"role": {"member"}}); code != 409 {
		t.Errorf("admin drops their own role: %d", code)
	}
	// Everything is in the audit log, at alpha only.
	_, log := adm.get(alpha + "/admin/audit")
	for _, a := range []string{"member.role:validator", "member.suspend", "host.add", "settings.local_accounts", "idp.disable", "member.invite"} {
		if !strings.Contains(log, a) {
			t.Errorf("audit log lacks %s", a)
		}
	}
	betaAdmin := w.browser(t)
	betaAdmin.signIn(beta, "admin@beta.example")
	if _, log := betaAdmin.get(beta + "/admin/audit"); strings.Contains(log, "member.suspend") {
		t.Error("beta's audit log shows alpha's actions")
	}
	if code, _ := betaAdmin.get(beta + "/admin/idps/kc"); code != 404 {
		t.Errorf("beta's admin opens alpha's IdP: %d", code)
	}
	if code, _ := betaAdmin.post(beta+"/admin", beta+"/admin/idps/kc/edit", url.Values{"issuer": {"https://evil.example"}, "client_id": {"x"}, "client_secret": {"y"}}); code != 404 {
		t.Errorf("beta's admin edits alpha's IdP: %d", code)
	}
}

// spidForm is the admin form of a SPID provider, with changes.
func spidForm(changes url.Values) url.Values {
	f := url.Values{"key": {"spid"}, "label": {"Entra con SPID"}, "kind": {"spid"}, "issuer": {"https://spid.alpha.example"},
		"client_id": {"https://alpha.piazza.test"}, "client_auth": {"private_key_jwt"}, "scopes": {"openid"}, "link_by": {"fiscal_number"}}
	for k, v := range changes {
		f[k] = v
	}
	return f
}
