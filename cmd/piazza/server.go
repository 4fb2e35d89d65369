package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/modules/admin"
	"github.com/piazza-pa/piazza/modules/brand"
	"github.com/piazza-pa/piazza/modules/comment"
	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/console"
	"github.com/piazza-pa/piazza/modules/dashboard"
	"github.com/piazza-pa/piazza/modules/discussion"
	"github.com/piazza-pa/piazza/modules/file"
	"github.com/piazza-pa/piazza/modules/home"
	"github.com/piazza-pa/piazza/modules/news"
	"github.com/piazza-pa/piazza/modules/notification"
	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/modules/profile"
	"github.com/piazza-pa/piazza/modules/search"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
	platformcomment "github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/csrf"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/pgnotify"
	"github.com/piazza-pa/piazza/platform/session"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// cacheEntries bounds the entries of the per-replica cache of tenant data
// (sessions' members, dashboard pages) unless PIAZZA_CACHE_ENTRIES says
// otherwise (0: no cache).
const cacheEntries = 20_000

// cacheSize is PIAZZA_CACHE_ENTRIES, or cacheEntries.
func cacheSize() (int, error) {
	v := os.Getenv("PIAZZA_CACHE_ENTRIES")
	if v == "" {
		return cacheEntries, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("PIAZZA_CACHE_ENTRIES: %q is not a number of entries", v)
	}
	return n, nil
}

// Session lifetimes: signed out after two idle hours, or twelve in all.
const (
	sessionIdle     = 2 * time.Hour
	sessionAbsolute = 12 * time.Hour
)

// server wires the HTTP server: the notification listener that keeps every
// replica's caches fresh, tenant resolution, CSRF, sessions, authorisation
// and the modules, listed by hand.
func (e *env) server(ctx context.Context) (*web.Server, *pgnotify.Listener, error) {
	l := pgnotify.New(e.dbURL, e.log)
	res := tenant.NewResolver(e.registry)
	res.Subscribe(l)
	entries, err := cacheSize()
	if err != nil {
		return nil, nil, err
	}
	cache := tenant.NewCache(entries)
	cache.Subscribe(l)
	// Policies load on a pool of their own: a request asks for one inside
	// its tenant transaction, and must never wait for a connection that
	// other requests' transactions hold.
	policyDB, err := db.Open(ctx, e.dbURL, 4)
	if err != nil {
		return nil, nil, err
	}
	e.onClose(func() { _ = policyDB.Close() })
	az, err := authz.New(policyDB, 1000)
	if err != nil {
		return nil, nil, err
	}
	az.Subscribe(l)
	cache.Domain(l, authz.Channel) // after the authoriser: see Cache.Domain
	sender, err := e.mailer()
	if err != nil {
		return nil, nil, err
	}
	bundle, err := i18n.New(i18n.Messages, auth.Messages, home.Messages, console.Messages, brand.Messages, admin.Messages,
		profile.Messages, organization.Messages, community.Messages, news.Messages, search.Messages, dashboard.Messages, discussion.Messages, notification.Messages)
	if err != nil {
		return nil, nil, err
	}
	shell, err := web.NewShell(bundle)
	if err != nil {
		return nil, nil, err
	}
	shell.AddPartials(platformcomment.Partials, "templates/*.html")
	shell.AddPartials(attachment.Partials, "templates/*.html")
	protector := csrf.New(csrf.Config{Key: e.cfg.SecretKey, Secure: !e.cfg.Dev})
	box, err := e.box()
	if err != nil {
		return nil, nil, err
	}
	sessions := session.Tenant(sessionIdle, sessionAbsolute)
	flow := &idp.Flow{DB: e.db, Store: idp.NewStore(e.db, box), Keys: idp.NewKeys(e.db, box), Sessions: sessions,
		CSRF: protector, Secure: !e.cfg.Dev, Scheme: e.scheme(), Client: &http.Client{Timeout: 15 * time.Second}}
	authModule, err := auth.New(auth.Deps{
		DB:         e.db,
		Sessions:   sessions,
		Local:      &auth.Local{Mail: sender, Window: 15 * time.Minute, MaxPerAccount: 5, MaxPerAddr: 50},
		CSRF:       protector,
		Authz:      az,
		Secure:     !e.cfg.Dev,
		Scheme:     e.scheme(),
		EndSession: flow.EndSessionURL,
		IdPLinks:   flow.Links,
		Shell:      shell,
		Unread:     notify.Unread,
		Cache:      cache,
	})
	if err != nil {
		return nil, nil, err
	}
	homeModule, err := home.New(shell)
	if err != nil {
		return nil, nil, err
	}
	worker, pool, err := e.background(ctx, sender, bundle)
	if err != nil {
		return nil, nil, err
	}
	e.worker, e.jobsPool = worker, pool
	e.onClose(pool.Close)
	contentModules, err := e.collaboration(shell, sender, authModule.Local, worker, cache)
	if err != nil {
		return nil, nil, err
	}
	var sections []web.Section
	for _, m := range contentModules {
		if s, ok := m.(web.Sectioned); ok {
			sections = append(sections, s.Section())
		}
	}
	brandModule, err := brand.New(brand.Deps{Registry: e.registry, Shell: shell, Sections: sections,
		PageFor: func(c *fiber.Ctx, site string) web.Page { return auth.PageFor(c, shell, site, csrf.Token(c)) },
		Record:  recordTenantAction(e.db)})
	if err != nil {
		return nil, nil, err
	}
	shell.Decorate = brandModule.Decorate
	adminModule, err := admin.New(admin.Deps{DB: e.db, Registry: e.registry, IdPs: flow.Store, Check: flow.Check,
		Local: authModule.Local, Shell: shell, Scheme: e.scheme(),
		PageFor: func(c *fiber.Ctx, site string) web.Page { return auth.PageFor(c, shell, site, csrf.Token(c)) },
		Record:  recordTenantAction(e.db)})
	if err != nil {
		return nil, nil, err
	}
	consoleModule, err := console.New(console.Deps{DB: e.db, Registry: e.registry,
		Sessions: session.Operator(sessionIdle, sessionAbsolute), CSRF: protector, Secure: !e.cfg.Dev,
		Throttle: &auth.Throttle{Table: "piazza.operator_auth_failures", Window: 15 * time.Minute, MaxPerAccount: 5, MaxPerAddr: 50},
		Shell:    shell, Invite: e.inviteAdmin})
	if err != nil {
		return nil, nil, err
	}
	srv, err := web.New(web.Config{
		OperatorHost:   e.cfg.OperatorHost,
		TrustedProxies: e.cfg.TrustedProxies,
		HSTS:           e.scheme() == "https",
		Dev:            e.cfg.Dev,
		Log:            e.log,
		DB:             e.db,
		Tenant:         tenant.Middleware(res),
		Shell:          shell,
		Language:       bundle.Middleware(languages, !e.cfg.Dev),
		// The language is chosen twice: early from the browser (so that even
		// an unknown host's page is translated), then among the tenant's
		// languages and the user's preference.
		Shared: []fiber.Handler{cache.Middleware(), protector.Handler(), authModule.Middleware(), bundle.Middleware(brand.Languages, !e.cfg.Dev),
			web.SectionGuard(sections, brand.Off)},
		TenantModules: append([]web.Module{
			authModule,
			flow,
			brandModule,
			adminModule,
			homeModule,
		}, contentModules...),
		OperatorModules: []web.Module{
			consoleModule,
		},
	})
	return srv, l, err
}

// collaboration builds the collaboration modules, which a tenant can switch
// off one by one: the foundational ones (profiles, organisations,
// communities) and the content types, which communities list on their pages.
func (e *env) collaboration(shell *web.Shell, sender mail.Sender, local *auth.Local, worker *notification.Worker, cache *tenant.Cache) ([]web.Module, error) {
	pageFor := func(c *fiber.Ctx, site string) web.Page { return auth.PageFor(c, shell, site, csrf.Token(c)) }
	newsModule, err := news.New(news.Deps{DB: e.db, Shell: shell, PageFor: pageFor, Dispatch: worker.Dispatch})
	if err != nil {
		return nil, err
	}
	discussionModule, err := discussion.New(discussion.Deps{DB: e.db, Shell: shell, PageFor: pageFor, Dispatch: worker.Dispatch})
	if err != nil {
		return nil, err
	}
	commentModule := comment.New(comment.Deps{DB: e.db, Shell: shell,
		Targets: map[string]comment.Target{news.ContentType: newsModule, discussion.ContentType: discussionModule}})
	profileModule, err := profile.New(profile.Deps{DB: e.db, Shell: shell, PageFor: pageFor})
	if err != nil {
		return nil, err
	}
	orgModule, err := organization.New(organization.Deps{DB: e.db, Shell: shell, PageFor: pageFor})
	if err != nil {
		return nil, err
	}
	communityModule, err := community.New(community.Deps{DB: e.db, Shell: shell, PageFor: pageFor, Mail: sender, Cache: cache,
		Local: local, Scheme: e.scheme(), Content: []community.ContentSource{newsModule, discussionModule}})
	if err != nil {
		return nil, err
	}
	searchModule, err := search.New(search.Deps{DB: e.db, Shell: shell, PageFor: pageFor,
		Sources: []search.Source{newsModule, discussionModule, communityModule, orgModule, profileModule}})
	if err != nil {
		return nil, err
	}
	dashboardModule, err := dashboard.New(dashboard.Deps{DB: e.db, Shell: shell, PageFor: pageFor, Cache: cache,
		Feed:  []dashboard.FeedSource{newsModule, discussionModule},
		Inbox: []dashboard.InboxSource{newsModule, discussionModule, commentModule, communityModule, orgModule, profileModule}})
	if err != nil {
		return nil, err
	}
	notificationModule, err := notification.New(notification.Deps{DB: e.db, Shell: shell, PageFor: pageFor, Key: e.unsubscribeKey()})
	if err != nil {
		return nil, err
	}
	fileModule := file.New(file.Deps{DB: e.db, Shell: shell, Store: e.files(),
		Targets: map[string]file.Target{news.ContentType: newsModule, discussion.ContentType: discussionModule}})
	return []web.Module{fileModule, notificationModule, dashboardModule, communityModule, newsModule, discussionModule, commentModule, profileModule, orgModule, searchModule}, nil
}

// languages are the languages every site offers until tenants choose theirs
// (web-shell work); a user's own preference comes with profiles.
func languages(*fiber.Ctx) (enabled []string, def, user string) {
	return i18n.Supported, i18n.Default, ""
}

// files is where attachments are stored: under the data directory.
func (e *env) files() storage.Store { return storage.Disk{Dir: filepath.Join(e.cfg.DataDir, "files")} }

// mailer sends through PIAZZA_SMTP_URL; without it, `piazza dev` and the
// CLI write e-mails (links included) where the developer or operator reads
// them, and `serve` sends none (their links must not reach logs).
func (e *env) mailer() (mail.Sender, error) {
	if e.cfg.SMTPURL == "" {
		if e.cfg.Dev || e.mode == config.ModeTool {
			return mail.Log{Logger: e.log}, nil
		}
		e.log.Warn("PIAZZA_SMTP_URL is not set: no e-mail will be sent (registration and password reset will say so)")
		return mail.Disabled{Logger: e.log}, nil
	}
	return mail.NewSMTP(e.cfg.SMTPURL, e.cfg.MailFrom)
}

// scheme is the scheme of the links Piazza puts in e-mails.
func (e *env) scheme() string {
	if e.cfg.Dev {
		return "http"
	}
	return "https"
}

// gcPercent is the garbage collector's target when GOGC is not set: pages
// allocate much and keep little, and the default (100) spends a fifth of
// the server's time collecting under load; 400 keeps the heap at a few
// hundred megabytes.
const gcPercent = 400

// tuneGC applies gcPercent unless the environment chose (GOGC).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

// serve runs the HTTP server until ctx ends, then drains it.
func (e *env) serve(ctx context.Context) error {
	srv, l, err := e.server(ctx)
	if err != nil {
		return err
	}
	// The listener and the janitor end before serve returns: their
	// connections must be closed when the command decides whether to stop
	// the private cluster.
	ctx, cancel := context.WithCancel(ctx)
	var background sync.WaitGroup
	defer background.Wait()
	defer cancel()
	background.Go(func() { l.Run(ctx) })
	background.Go(func() { e.janitor(ctx) })
	e.startProfiler()
	tuneGC()
	if err := e.worker.Client.Start(ctx); err != nil {
		return err
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.worker.Client.Stop(stop)
		e.jobsPool.Close()
	}()
	e.log.Info("listening", "addr", e.cfg.Addr)
	return srv.Run(ctx, e.cfg.Addr)
}
