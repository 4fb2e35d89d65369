// Package modules is the module list: it builds every module of a tenant's
// site and of the operator console from one set of dependencies, and gives
// the collectors (navigation, dashboard, search, communities, comments,
// attachments) what each module offers, found by interface. cmd/piazza and
// the test harness both call Build, so tests run the server users get.
package modules

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/federation"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/jobs"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/billing"
)

// Deps are what the modules need from the process. What differs between the
// server and the tests (the mail sender, the keys, the limits) is a field
// here, never a second wiring.
type Deps struct {
	DB       *bun.DB
	Registry *tenant.Registry
	// Cache keeps what reading requests compute, per replica (the caller
	// subscribes it to the notification listener).
	Cache *tenant.Cache
	// Authz decides permissions (the caller chooses its pool and whether it
	// hears of policy changes).
	Authz *authz.Authorizer
	// Mail sends sign-up, invitation and password e-mails.
	Mail mail.Sender
	// Files keeps attachments.
	Files storage.Store
	// Box seals the identity providers' secrets and keys at rest.
	Box *secret.Box
	// Key is the installation's secret key (CSRF tokens); UnsubscribeKey
	// signs the links that turn e-mail notifications off.
	Key, UnsubscribeKey []byte
	// Secure marks cookies Secure (everywhere but `piazza dev`); Scheme is
	// the scheme of the links Piazza writes in e-mails.
	Secure bool
	Scheme string
	// Dispatch tells people of what is published (nil: the notification
	// schedule picks the events up later).
	Dispatch notify.Dispatcher
	// Billing bills paying administrations (nil, or no provider: off).
	Billing *billing.Service
	// Jobs queues the modules' own jobs (nil: none are queued; the jobs'
	// schedules catch up), worked by the client that Set.Jobs equips.
	Jobs *jobs.Queue
	// Client makes the requests to identity providers (nil: one with a
	// timeout of 15 seconds).
	Client *http.Client
	// Sessions are the sessions' lifetimes, SignIn the limits on failed
	// sign-ins, of members and operators alike (zero: the product's).
	Sessions Lifetimes
	SignIn   Limits
	// Federation is the installation's OpenID Federation settings (zero:
	// the tenants' entity configurations only, no intermediate).
	Federation federation.Config
	// TrustChains resolves the trust chains of SPID/CIE providers given by
	// entity id (nil: none can be added or enabled).
	TrustChains idp.TrustChains
}

// Lifetimes end a session after Idle without use or Absolute in all.
type Lifetimes struct{ Idle, Absolute time.Duration }

// Limits refuse sign-ins after PerAccount failures for one account, or
// PerAddr from one address, within Window.
type Limits struct {
	Window              time.Duration
	PerAccount, PerAddr int
}

// withDefaults fills what d leaves zero with the product's settings: two
// idle hours and twelve in all for a session; five failed sign-ins per
// account and fifty per address in fifteen minutes.
func (d Deps) withDefaults() Deps {
	if d.Sessions == (Lifetimes{}) {
		d.Sessions = Lifetimes{Idle: 2 * time.Hour, Absolute: 12 * time.Hour}
	}
	if d.SignIn == (Limits{}) {
		d.SignIn = Limits{Window: 15 * time.Minute, PerAccount: 5, PerAddr: 50}
	}
	if d.Client == nil {
		d.Client = &http.Client{Timeout: 15 * time.Second}
	}
	if d.Billing == nil { // off, yet billing accounts are kept for when it is on
		d.Billing = &billing.Service{DB: d.DB, Registry: d.Registry}
	}
	return d
}

// Set is the built modules, with the shell and the bundle they share and
// the middleware every request goes through.
type Set struct {
	Bundle *i18n.Bundle
	Shell  *web.Shell
	// Tenant are the modules of a tenant's site, Operator the console.
	Tenant, Operator []web.Module
	// Language chooses a first language from the browser (so that even an
	// unknown host's page is translated); Shared then resolves sessions,
	// CSRF, the tenant's languages and its switched-off sections.
	Language fiber.Handler
	Shared   []fiber.Handler
}

// Jobs adds the workers of the modules that have jobs of their own
// (jobs.Offer) to ws and returns their periodic jobs, for the client that
// works them.
func (s *Set) Jobs(ws *river.Workers) []*river.PeriodicJob {
	var periodic []*river.PeriodicJob
	for _, o := range web.Offered[jobs.Offer](s.Tenant) {
		periodic = append(periodic, o.Jobs(ws)...)
	}
	return periodic
}

// Build builds every module of the list from d.
func Build(d Deps) (*Set, error) {
	b, err := newBuilder(d.withDefaults())
	if err != nil {
		return nil, err
	}
	return b.build()
}

// Server is the HTTP server of the set: cfg says where it runs (hosts,
// proxies, logger, tenant resolution), the set fills in the rest.
func (s *Set) Server(cfg web.Config) (*web.Server, error) {
	cfg.Shell = s.Shell
	cfg.Language = s.Language
	cfg.Shared = s.Shared
	cfg.TenantModules = s.Tenant
	cfg.OperatorModules = s.Operator
	return web.New(cfg)
}
