package modules

import (
	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/admin"
	"github.com/piazza-pa/piazza/modules/api"
	"github.com/piazza-pa/piazza/modules/billing"
	"github.com/piazza-pa/piazza/modules/brand"
	"github.com/piazza-pa/piazza/modules/comment"
	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/console"
	"github.com/piazza-pa/piazza/modules/dashboard"
	"github.com/piazza-pa/piazza/modules/discussion"
	"github.com/piazza-pa/piazza/modules/document"
	"github.com/piazza-pa/piazza/modules/exchange"
	fedmod "github.com/piazza-pa/piazza/modules/federation"
	"github.com/piazza-pa/piazza/modules/file"
	"github.com/piazza-pa/piazza/modules/home"
	"github.com/piazza-pa/piazza/modules/news"
	"github.com/piazza-pa/piazza/modules/notification"
	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/modules/partnership"
	"github.com/piazza-pa/piazza/modules/personal"
	"github.com/piazza-pa/piazza/modules/profile"
	"github.com/piazza-pa/piazza/modules/project"
	"github.com/piazza-pa/piazza/modules/proposal"
	"github.com/piazza-pa/piazza/modules/search"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/match"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/screen"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/web"
	billsvc "github.com/piazza-pa/piazza/tenant/billing"
	"github.com/piazza-pa/piazza/tenant/onboard"
)

// tenantModules is the module list of a tenant's site, built in this order.
// Sections appear in the navigation in the order of their lines; a module
// whose partials other pages call (comments, attachments) comes before the
// modules of those pages. Adding a module is adding its line.
func (b *builder) tenantModules() []web.Module {
	return []web.Module{
		b.use(b.signIn, nil),
		b.use(b.flow, nil),
		b.use(fedmod.New(b.federation), nil),
		b.use(brand.New(brand.Deps{Registry: b.Registry, Shell: b.shell, PageFor: b.pageFor, Record: b.record})),
		b.use(admin.New(admin.Deps{DB: b.DB, Registry: b.Registry, IdPs: b.flow.Store, Check: b.flow.Check, Local: b.local,
			Shell: b.shell, Scheme: b.Scheme, PageFor: b.pageFor, Record: b.record, Federation: b.adminFederation()})),
		b.use(billing.New(billing.Deps{DB: b.DB, Billing: b.Billing, Shell: b.shell, PageFor: b.pageFor})),
		b.use(home.New(b.shell)),
		b.use(comment.New(comment.Deps{DB: b.DB, Shell: b.shell}), nil),
		b.use(file.New(file.Deps{DB: b.DB, Shell: b.shell, Store: b.Files}), nil),
		b.use(b.dashboard()),
		b.use(community.New(community.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor, Mail: b.Mail, Local: b.local,
			Scheme: b.Scheme, Cache: b.Cache})),
		b.use(news.New(news.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor, Dispatch: b.Dispatch})),
		b.use(discussion.New(discussion.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor, Dispatch: b.Dispatch})),
		b.use(proposal.New(proposal.Deps{Deps: content.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor, Dispatch: b.Dispatch},
			Registry: b.Registry, Jobs: b.Jobs})),
		b.use(partnership.New(partnership.Deps{Deps: content.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor, Dispatch: b.Dispatch}, Record: b.record})),
		b.use(exchange.New(exchange.Deps{Deps: screen.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor}, Registry: b.Registry, Jobs: b.Jobs, Dispatch: b.Dispatch, Cache: b.Cache, Record: b.record})),
		b.use(project.New(project.Deps{Deps: screen.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor}, Files: b.Files, Dispatch: b.Dispatch})),
		b.use(document.New(document.Deps{Deps: content.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor, Dispatch: b.Dispatch}, Files: b.Files})),
		b.use(profile.New(profile.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor, Mail: b.Mail, Scheme: b.Scheme})),
		b.use(personal.New(personal.Deps{Deps: screen.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor}, Files: b.Files,
			EndSession: b.flow.EndSessionURL})),
		b.use(organization.New(organization.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor})),
		b.use(search.New(search.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor})),
		b.use(notification.New(notification.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor, Key: b.UnsubscribeKey})),
		b.use(api.New(api.Deps{Deps: screen.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor}, Authz: b.Authz, Scheme: b.Scheme, Record: b.record})),
	}
}

// operatorModules is the module list of the operator console.
func (b *builder) operatorModules() []web.Module {
	return []web.Module{
		billing.Webhook{Billing: b.Billing}, // before the console, whose routes after sign-in need an operator
		fedmod.Intermediate{Service: b.federation, Registry: b.Registry},
		b.use(console.New(console.Deps{DB: b.DB, Registry: b.Registry, CSRF: b.csrf, Secure: b.Secure, Shell: b.shell,
			Sessions: session.Operator(b.Sessions.Idle, b.Sessions.Absolute), Onboard: b.onboarder(), Billing: b.Billing,
			Throttle: &auth.Throttle{Table: "piazza.operator_auth_failures", Window: b.SignIn.Window,
				MaxPerAccount: b.SignIn.PerAccount, MaxPerAddr: b.SignIn.PerAddr}})),
	}
}

// builder builds the lists: the deps, and what Build makes of them that
// several modules share.
type builder struct {
	Deps
	shell  *web.Shell
	csrf   *csrf.Protector
	local  *auth.Local
	signIn *auth.Module
	flow   *idp.Flow
	// federation signs the tenants' and the installation's statements.
	federation *federation.Service
	// err is the first error of a module's constructor.
	err error
}

// newBuilder makes the shell (translated once the modules have said their
// messages), the CSRF protector, local accounts, the sign-in module and
// the identity providers' flow.
func newBuilder(d Deps) (*builder, error) {
	shell, err := web.NewShell(nil)
	if err != nil {
		return nil, err
	}
	shell.AddPartials(match.Partials, match.Pattern) // who could be interested, on the proposals' pages
	b := &builder{Deps: d, shell: shell, csrf: csrf.New(csrf.Config{Key: d.Key, Secure: d.Secure, Exempt: []string{billsvc.WebhookPath, api.Path + "/"}}),
		local: &auth.Local{Mail: d.Mail, Window: d.SignIn.Window, MaxPerAccount: d.SignIn.PerAccount, MaxPerAddr: d.SignIn.PerAddr}}
	sessions := session.Tenant(d.Sessions.Idle, d.Sessions.Absolute)
	b.flow = &idp.Flow{DB: d.DB, Store: idp.NewStore(d.DB, d.Box), Keys: idp.NewKeys(d.DB, d.Box), Sessions: sessions,
		CSRF: b.csrf, Secure: d.Secure, Scheme: d.Scheme, Client: d.Client, Chains: d.TrustChains}
	b.flow.Store.Chains = d.TrustChains
	b.federation = &federation.Service{Keys: federation.NewKeys(d.DB, d.Box), RPKeys: b.flow.Keys, IdPs: b.flow.Store,
		Config: d.Federation, Scheme: d.Scheme}
	b.signIn, err = auth.New(auth.Deps{DB: d.DB, Sessions: sessions, Local: b.local, CSRF: b.csrf, Authz: d.Authz,
		Secure: d.Secure, Scheme: d.Scheme, EndSession: b.flow.EndSessionURL, IdPLinks: b.flow.Links,
		Shell: shell, Unread: notify.Unread, Cache: d.Cache})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// dashboard makes the dashboard, whose inbox probes a member's page read
// asks in the session's transaction (see dashboard.Preread).
func (b *builder) dashboard() (*dashboard.Module, error) {
	d, err := dashboard.New(dashboard.Deps{DB: b.DB, Shell: b.shell, PageFor: b.pageFor, Cache: b.Cache})
	if err == nil {
		b.signIn.Prepare, b.signIn.Preread = dashboard.KeepProbe, d.Preread
	}
	return d, err
}

// use keeps the first error of a constructor and adds m's partials to the
// shell, for the pages of the modules built after it.
func (b *builder) use(m web.Module, err error) web.Module {
	if err != nil {
		if b.err == nil {
			b.err = err
		}
		return nil
	}
	if p, ok := m.(partials); ok {
		b.shell.AddPartials(p.Partials(), "templates/*.html")
	}
	return m
}

// onboarder provisions tenants with their first admin's way to sign in.
func (b *builder) onboarder() *onboard.Onboarder {
	return &onboard.Onboarder{DB: b.DB, Registry: b.Registry, IdPs: b.flow.Store, Check: b.flow.Check, Local: b.local, Scheme: b.Scheme}
}

// pageFor fills the shell's data for a tenant's page.
func (b *builder) pageFor(c *fiber.Ctx, site string) web.Page {
	return auth.PageFor(c, b.shell, site, csrf.Token(c))
}

// adminFederation is what the admin area reads and changes of a tenant's
// federation settings; trust marks pasted there are checked with their
// issuer's keys by the installation's resolver (its trust anchors' keys
// when the issuer is one).
func (b *builder) adminFederation() *admin.Federation {
	r, ok := b.TrustChains.(*federation.Resolver)
	if !ok || r == nil {
		r = &federation.Resolver{Client: b.Client}
	}
	return &admin.Federation{Settings: b.federation.Keys.Settings, Save: b.federation.Keys.SaveSettings, CheckTrustMark: r.CheckTrustMark}
}
