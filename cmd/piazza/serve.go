package main

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/tenant"
)

func serveCommand() *cobra.Command {
	o := envOptions{mode: config.ModeServe, migrate: true, maxConns: 40, checkFiles: true}
	cmd := envCommand("serve", "Serve Piazza (production)", o, func(ctx context.Context, _ *cobra.Command, e *env) error {
		return e.serve(ctx)
	})
	cmd.Long = `Serve answers every tenant host and the operator console. With
PIAZZA_DATABASE_URL set it expects a migrated database (run ` + "`piazza migrate`" + `
first, once per release); without it, it uses the private cluster.`
	return cmd
}

// janitor purges tenants whose deletion grace period has run out, hourly.
func (e *env) janitor(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		purged, err := e.registry.PurgeExpired(ctx, e.cfg.DeleteGrace)
		switch {
		case errors.Is(err, tenant.ErrPurgeUnfinished):
			e.log.Error("purge deleted tenants: run `piazza storage gc` to finish", "err", err)
		case err != nil && !errors.Is(err, context.Canceled):
			e.log.Error("purge deleted tenants", "err", err)
		}
		for _, s := range purged {
			e.log.Info("tenant purged after its grace period", "tenant", s)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// spareReport logs what keeping the spare schemas ready did.
func (e *env) spareReport(made, dropped int, err error) {
	if err != nil {
		e.log.Error("make spare schemas", "err", err, "made", made, "dropped", dropped)
		return
	}
	e.log.Info("spare schemas ready", "wanted", e.cfg.SpareSchemas, "made", made, "dropped", dropped)
}
