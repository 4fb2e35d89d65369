package main

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/modules/console"
	"github.com/piazza-pa/piazza/modules/home"
	"github.com/piazza-pa/piazza/platform/pgnotify"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// server wires the HTTP server: the notification listener that keeps every
// replica's caches fresh, tenant resolution and the modules, listed by hand.
func (e *env) server(ctx context.Context) (*web.Server, *pgnotify.Listener, error) {
	l := pgnotify.New(e.dbURL, e.log)
	res := tenant.NewResolver(e.registry)
	res.Subscribe(l)
	homeModule, err := home.New()
	if err != nil {
		return nil, nil, err
	}
	srv, err := web.New(web.Config{
		OperatorHost: e.cfg.OperatorHost,
		Dev:          e.cfg.Dev,
		Log:          e.log,
		DB:           e.db,
		Tenant:       tenant.Middleware(res),
		Shared:       []fiber.Handler{},
		TenantModules: []web.Module{
			homeModule,
		},
		OperatorModules: []web.Module{
			console.New(),
		},
	})
	return srv, l, err
}

// serve runs the HTTP server until ctx ends, then drains it.
func (e *env) serve(ctx context.Context) error {
	srv, l, err := e.server(ctx)
	if err != nil {
		return err
	}
	go l.Run(ctx)
	go e.janitor(ctx)
	e.log.Info("listening", "addr", e.cfg.Addr)
	return srv.Run(ctx, e.cfg.Addr)
}
