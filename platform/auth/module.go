package auth

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/redirect"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/setting"
	"github.com/piazza-pa/piazza/platform/site"
	"github.com/piazza-pa/piazza/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// parts are the frame of the module's pages and the form fields they share
// (with the operator console's sign-in form too).
//
//go:embed parts/*.html
var parts embed.FS

// Messages are the module's message files.
//
//go:embed locale/*.toml
var Messages embed.FS

// CookieName is the session cookie (see session.SetCookie).
const CookieName = session.CookieName

// SettingLocalAccounts is the tenant setting that enables local accounts.
const SettingLocalAccounts = "auth.local_accounts"

// Deps are what the module needs, wired by the module list (modules/list.go).
type Deps struct {
	DB       *bun.DB
	Sessions *session.Store
	Local    *Local
	CSRF     *csrf.Protector
	Authz    *authz.Authorizer
	// Secure marks cookies Secure; Scheme is the scheme of links in e-mails.
	Secure bool
	Scheme string
	// EndSession, when set, gives the IdP's logout address for a session
	// signed in through it (RP-initiated logout), or "".
	EndSession func(ctx context.Context, method, idToken, back string) string
	// IdPLinks, when set, lists the sign-in buttons of the request's tenant.
	IdPLinks func(ctx context.Context) []IdPLink
	// Shell lays out and translates the pages.
	Shell *web.Shell
	// Unread, when set, counts a signed-in member's unread notifications
	// (the bell of every page) in the transaction that loaded them.
	Unread func(ctx context.Context, tx bun.IDB, uid int64) (int, error)
	// Prepare and Preread, when set, let a member's page read share the
	// session's transaction with what its shell reads of them anyway
	// (whether anything waits for them, for the menu): Prepare returns the
	// request's context with the holders that Preread fills; Preread reads
	// as the member, their memberships loaded (scope.Preload), in that
	// transaction. The memberships are kept for the request's later
	// transactions in any case (scope.Keep).
	Prepare func(ctx context.Context) context.Context
	Preread func(ctx context.Context, tx bun.IDB, uid int64) error
	// Cache, when set, keeps what a session's reading requests load (its
	// member and their bell) until the tenant's data changes or the
	// session's idle timer is due for a refresh.
	Cache *site.Cache
}

// Module signs people in and out of a tenant.
type Module struct {
	Deps
	pages map[string]*template.Template
}

// New parses the module's templates.
func New(d Deps) (*Module, error) {
	pages, err := d.Shell.Pages(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	if err := parseInto(pages, "parts/*.html"); err != nil {
		return nil, err
	}
	return &Module{Deps: d, pages: pages}, nil
}

// AddFields adds the sign-in form's fields ("auth_credentials": e-mail,
// password and the button) to each of pages, for the operator console's
// sign-in form.
func AddFields(pages map[string]*template.Template) error {
	return parseInto(pages, "parts/fields.html")
}

// parseInto adds the parts matching glob to each of pages: the frame of
// the module's pages ("content" around their "auth_body") and the fields
// of its forms.
func parseInto(pages map[string]*template.Template, glob string) error {
	for name, p := range pages {
		if _, err := p.ParseFS(parts, glob); err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
	}
	return nil
}

// Routes registers the sign-in routes of a tenant's site.
func (m *Module) Routes(r fiber.Router) {
	r.Get("/auth/login", m.loginForm)
	r.Post("/auth/login", m.login)
	r.Post("/auth/logout", m.logout)
	r.Post("/auth/logout-everywhere", m.logoutEverywhere)
	r.Get("/auth/register", m.registerForm)
	r.Post("/auth/register", m.register)
	r.Get("/auth/verify", m.verify)
	r.Get("/auth/reset", m.resetForm)
	r.Post("/auth/reset", m.reset)
	r.Get("/auth/password", m.passwordForm)
	r.Post("/auth/password", m.changePassword)
	r.Post("/auth/language", m.language)
	r.Get("/auth/invite", m.inviteForm)
	r.Post("/auth/invite", m.acceptInvite)
}

type ctxKey struct{}

// NewContext returns ctx carrying the signed-in user.
func NewContext(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// UserFromContext is the signed-in user, or nil for a guest.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(ctxKey{}).(*User)
	return u
}

// Middleware loads the session and its user (in the tenant's transaction)
// and puts the user and the authorisation scope in the request's context.
func (m *Module) Middleware() fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		t := site.FromContext(ctx)
		if t == nil {
			return c.Next()
		}
		p := authz.Principal{}
		if token := c.Cookies(CookieName); token != "" {
			if reading(c) { // a page read: its transactions share the memberships
				ctx = scope.Keep(ctx)
				if m.Prepare != nil {
					ctx = m.Prepare(ctx)
				}
			}
			who, err := m.signedIn(c, ctx, token)
			if err != nil {
				return err
			}
			if who.User != nil {
				u := *who.User // the cached one is shared
				ctx = NewContext(ctx, &u)
				p = authz.Principal{Subject: u.Subject(), Member: true}
				if who.Unread >= 0 {
					c.Locals(web.LocalUnread, who.Unread)
				}
			} else {
				m.clearCookie(c)
			}
		}
		c.SetUserContext(authz.NewContext(ctx, m.Authz, p, t.Domain()))
		return c.Next()
	}
}

// member is who a session belongs to (nil: no live session) and their
// unread notifications (-1: not counted).
type member struct {
	User   *User
	Unread int
}

// signedIn loads the member of token's session; reading requests go
// through the cache when there is one.
func (m *Module) signedIn(c *fiber.Ctx, ctx context.Context, token string) (member, error) {
	reading := reading(c)
	load := func() (member, time.Time, error) {
		who := member{Unread: -1}
		var until time.Time
		// Plans for any values (db.Generic): every read here finds rows
		// by keys (the session, the member, their notifications and
		// memberships, the inbox's probes), and PostgreSQL otherwise
		// planned some of them again on every request (the validators'
		// probe: 0.55 ms of planning for 0.02 ms of work).
		err := site.Tx(db.Generic(ctx), m.DB, func(ctx context.Context, tx bun.Tx) error {
			// No session, or no active member: a guest. Any other failure
			// is the database's, and must not sign anyone out. All this
			// transaction may write is the session's idle timer.
			sess, err := m.Sessions.LookupLazily(ctx, tx, token)
			if errors.Is(err, session.ErrNoSession) {
				return nil
			}
			if err != nil {
				return err
			}
			u, err := UserByID(ctx, tx, sess.UserID)
			if errors.Is(err, ErrUserNotFound) || err == nil && u.Status != "active" {
				return nil
			}
			if err != nil {
				return err
			}
			who.User, until = u, m.Sessions.TrustUntil(sess)
			if !reading {
				return nil
			}
			if m.Unread != nil {
				if who.Unread, err = m.Unread(ctx, tx, u.ID); err != nil {
					return err
				}
			}
			return m.preread(ctx, tx, u)
		})
		return who, until, err
	}
	if !reading {
		who, _, err := load()
		return who, err
	}
	return site.Cached(ctx, m.Cache, "session:"+string(session.TokenHash(token)), load)
}

// reading says whether c is a page read (it writes nothing).
func reading(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead
}

// preread loads u's memberships for the request's transactions (kept, see
// scope.Keep) and runs Preread as u, in tx.
func (m *Module) preread(ctx context.Context, tx bun.IDB, u *User) error {
	ctx, err := scope.Preload(ctx, tx, u.ID)
	if err != nil || m.Preread == nil {
		return err
	}
	ctx = authz.NewContext(NewContext(ctx, u), m.Authz, authz.Principal{Subject: u.Subject(), Member: true}, site.FromContext(ctx).Domain())
	return m.Preread(ctx, tx, u.ID)
}

// view is the data of every page of the module; Title and Message are
// message keys, Error a translated sentence.
type view struct {
	web.Page
	Title, Error, Message        string
	ReturnTo, Email, Name, Token string
	Action                       string
	// Field is the id of the field Error is about ("": the whole form);
	// Errors is then the page's error summary (see summarise).
	Field  string
	Errors map[string]string
	Local  bool
	IdPs   []IdPLink
}

// IdPLink is a sign-in button of an identity provider; Kind is generic,
// spid or cie (for the button's look).
type IdPLink struct{ Key, Label, Kind string }

func (m *Module) render(c *fiber.Ctx, status int, name string, v view) error {
	siteName := ""
	if s := site.FromContext(c.UserContext()); s != nil {
		siteName = s.Name
	}
	v.Page = PageFor(c, m.Shell, siteName, csrf.Token(c))
	if v.Message != "" {
		v.Message = v.L.T(v.Message) // handlers give message keys
	}
	summarise(&v)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, status, m.pages[name], v)
}

func (m *Module) setCookie(c *fiber.Ctx, token string, expires time.Time) {
	session.SetCookie(c, token, expires, m.Secure)
}

func (m *Module) clearCookie(c *fiber.Ctx) { session.ClearCookie(c, m.Secure) }

// errText is err in the request's language when it carries a message key.
func (m *Module) errText(c *fiber.Ctx, err error) string {
	return platform.Localize(err, m.Shell.I18n.FromContext(c.UserContext()).T)
}

// base is the tenant's own URL, for links in e-mails.
func (m *Module) base(c *fiber.Ctx) string {
	return site.RequestURL(c, m.Scheme, "")
}

// localEnabled reads the tenant's switch for local accounts.
func localEnabled(ctx context.Context, tx bun.IDB) (bool, error) {
	return setting.Bool(ctx, tx, SettingLocalAccounts)
}

// SetLocalAccounts turns local accounts on or off for the tenant of tx.
func SetLocalAccounts(ctx context.Context, tx bun.IDB, on bool) error {
	return setting.SetBool(ctx, tx, SettingLocalAccounts, on)
}

// PageFor is the shell's page data for a tenant's page, with the signed-in
// user and the sign-in and sign-out links.
func PageFor(c *fiber.Ctx, shell *web.Shell, site, csrfToken string) web.Page {
	user := ""
	if u := UserFromContext(c.UserContext()); u != nil {
		user = u.Name()
	}
	p := shell.NewPage(c, site, user, csrfToken)
	p.SignIn, p.SignOut, p.Account = "/auth/login", "/auth/logout", "/auth/password"
	return p
}

// RequireMember lets only the tenant's signed-in members through: a guest
// asking for a page is sent to sign in and back, any other request refused.
func RequireMember(c *fiber.Ctx) error {
	if UserFromContext(c.UserContext()) != nil {
		return c.Next()
	}
	if c.Method() == fiber.MethodGet {
		return redirect.To(c, "/auth/login?return_to="+url.QueryEscape(c.OriginalURL()))
	}
	return authz.ErrForbidden
}
