// Package web is Piazza's HTTP server (Fiber v2): request ids, access logs,
// panic recovery, health checks, one error handler mapping error kinds to
// pages, and dispatch by Host header between the operator console and the
// tenants' sites. Modules register their routes through Module; one list
// builds them, for the binary and the tests alike.
package web

import (
	"context"
	"embed"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/migrations"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/migrate"
)

//go:embed templates/*.html
var templates embed.FS

// Locals set by the server and read by the access log.
const (
	LocalRequestID = "requestid"
	LocalTenant    = "tenant_slug"
	// LocalUnread is the signed-in member's unread notifications (the bell).
	LocalUnread = "unread"
	// LocalSiteName is the name error pages show (the tenant's).
	LocalSiteName = "site_name"
)

// Module is a feature that registers routes.
type Module interface {
	Routes(r fiber.Router)
}

// The areas of the server, by host.
const (
	AreaTenant   = "tenant"
	AreaOperator = "operator"
)

// Config wires a Server.
type Config struct {
	// OperatorHost is the operator console's host; every other host is a
	// tenant's (or unknown).
	OperatorHost string
	// Dev shows error details on pages.
	Dev bool
	Log *slog.Logger
	// DB answers the readiness check.
	DB *bun.DB
	// Shell lays out pages, error pages included (a default one when nil).
	Shell *Shell
	// Language chooses the request's language (i18n.Bundle.Middleware);
	// it runs first in both areas.
	Language fiber.Handler
	// Tenant resolves the request's tenant (tenant.Middleware).
	Tenant fiber.Handler
	// Shared run on both hosts after tenant resolution (CSRF, sessions …).
	Shared []fiber.Handler
	// TrustedProxies are the addresses of the proxies in front of Piazza
	// whose X-Forwarded-For and Forwarded headers say who the visitor is
	// (ClientAddr); empty: none, the TCP peer is the visitor.
	TrustedProxies []netip.Prefix
	// HSTS sends Strict-Transport-Security: the sites are served over https.
	HSTS bool
	// Observe run on every request after its id is set and before the
	// access log (metrics, traces); RouteOf tells them, once the request
	// is answered, which route answered it.
	Observe []fiber.Handler
	// TenantModules and OperatorModules register the routes of each area.
	TenantModules   []Module
	OperatorModules []Module
	// Concurrency is how many requests the server works on at once (the
	// health checks and static files aside); the others wait their turn.
	// 0: RequestsPerCPU per CPU.
	Concurrency int
}

// Server is the HTTP server.
type Server struct {
	app    *fiber.App
	log    *slog.Logger
	routes map[string][]fiber.Route
}

// New builds the server; it fails when a template does not parse.
func New(cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Shell == nil {
		bundle, err := i18n.New(i18n.Messages)
		if err != nil {
			return nil, err
		}
		if cfg.Shell, err = NewShell(bundle); err != nil {
			return nil, err
		}
	}
	pages, err := cfg.Shell.Pages(templates, "templates/error.html")
	if err != nil {
		return nil, err
	}
	fcfg := fiberConfig(errorHandler(cfg.Shell, pages["error.html"], cfg.Log, cfg.Dev))
	s := &Server{log: cfg.Log, routes: map[string][]fiber.Route{}}
	tenantArea := s.area(fcfg, cfg, AreaTenant, cfg.TenantModules, cfg.Language, cfg.Tenant)
	operatorArea := s.area(fcfg, cfg, AreaOperator, cfg.OperatorModules, cfg.Language)

	s.app = fiber.New(fcfg)
	own := &recorder{area: AreaServer}
	chain := []fiber.Handler{recover.New(), securityHeaders(cfg.HSTS), requestid.New(requestid.Config{ContextKey: LocalRequestID})}
	chain = append(append(chain, cfg.Observe...), own.handle, clientAddr(cfg.TrustedProxies), accessLog(cfg.Log), singleHost)
	for _, h := range chain {
		s.app.Use(h)
	}
	s.app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	s.app.Get("/static/*", cfg.Shell.Assets.Handler)
	s.app.Get("/readyz", readiness(cfg.DB))
	s.app.Use(admit(cfg.Concurrency))
	s.app.Use(func(c *fiber.Ctx) error {
		if string(c.Request().Host()) == cfg.OperatorHost {
			return operatorArea(c)
		}
		return tenantArea(c)
	})
	own.learn(s.app)
	return s, nil
}

// fiberConfig is the configuration of the server and of each area.
func fiberConfig(eh fiber.ErrorHandler) fiber.Config {
	return fiber.Config{
		DisableStartupMessage: true,
		ErrorHandler:          eh,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		BodyLimit:             16 << 20,
		ReadBufferSize:        16 << 10,
		// No proxy header reaches Fiber's own Hostname, Protocol or IP:
		// links name registered hosts and ClientAddr reads proxies itself.
		EnableTrustedProxyCheck: true,
	}
}

// area builds one host area's app (its own middleware first, then the text
// check, the shared middleware and the modules' routes) and keeps its routes.
func (s *Server) area(fcfg fiber.Config, cfg Config, name string, mods []Module, pre ...fiber.Handler) fiber.Handler {
	app := fiber.New(fcfg)
	rec := &recorder{area: name}
	app.Use(rec.handle)
	for _, h := range pre {
		if h != nil {
			app.Use(h)
		}
	}
	app.Use(RefuseBadText)
	for _, h := range cfg.Shared {
		app.Use(h)
	}
	for _, m := range mods {
		m.Routes(app)
	}
	s.routes[name] = app.GetRoutes(true)
	rec.learn(app)
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	h := app.Handler()
	return func(c *fiber.Ctx) error {
		h(c.Context())
		return nil
	}
}

// App is the Fiber app, for tests (app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Routes are the routes of an area (AreaTenant, AreaOperator), for tests
// that must cover every route.
func (s *Server) Routes(area string) []fiber.Route { return s.routes[area] }

// Run serves on addr until ctx ends, then stops accepting connections and
// waits (up to 30 s) for the requests in flight.
func (s *Server) Run(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on an open listener.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: draining requests in flight")
	if err := s.app.ShutdownWithTimeout(30 * time.Second); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// readiness answers 200 when the database answers and its control schema is
// at least as new as this binary's.
func readiness(db *bun.DB) fiber.Handler {
	ms, err := migrate.Load(migrations.Control())
	want := migrate.Latest(ms)
	return func(c *fiber.Ctx) error {
		if err != nil {
			return c.Status(fiber.StatusServiceUnavailable).SendString("migrations unreadable")
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		v, err := migrate.ControlVersion(ctx, db)
		switch {
		case err != nil:
			return c.Status(fiber.StatusServiceUnavailable).SendString("database unreachable")
		case v < want:
			return c.Status(fiber.StatusServiceUnavailable).SendString("database not migrated: run piazza migrate")
		}
		return c.SendString("ready")
	}
}

// accessLog writes one line per request; the query string is left out (it
// may carry tokens).
func accessLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		status := StatusOf(c, err)
		attrs := []slog.Attr{
			slog.String("method", c.Method()), slog.String("host", string(c.Request().Host())),
			slog.String("path", c.Path()), slog.Int("status", status), slog.String("client", ClientAddr(c)),
			slog.Duration("duration", time.Since(start)), slog.String("request_id", requestID(c)),
		}
		if t, ok := c.Locals(LocalTenant).(string); ok {
			attrs = append(attrs, slog.String("tenant", t))
		}
		log.LogAttrs(c.UserContext(), slog.LevelInfo, "request", attrs...)
		return err
	}
}

func requestID(c *fiber.Ctx) string {
	s, _ := c.Locals(LocalRequestID).(string)
	return s
}
