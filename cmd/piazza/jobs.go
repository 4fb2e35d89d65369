package main

import (
	"context"
	"crypto/sha256"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piazza-pa/piazza/modules"
	"github.com/piazza-pa/piazza/modules/notification"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/jobs"
	"github.com/piazza-pa/piazza/platform/mail"
)

// unsubscribeKey is the key of unsubscribe links, derived from the secret key.
func (e *env) unsubscribeKey() []byte {
	k := sha256.Sum256(append([]byte("piazza unsubscribe links\x00"), e.cfg.SecretKey...))
	return k[:]
}

// background opens the job pool, brings River's tables up to date and
// returns the notification worker with its client (not started), which
// also works the jobs of the modules of set.
func (e *env) background(ctx context.Context, sender mail.Sender, set *modules.Set) (*notification.Worker, *pgxpool.Pool, error) {
	pool, err := jobs.Pool(ctx, e.dbURL, 8)
	if err != nil {
		return nil, nil, err
	}
	if err := jobs.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, nil, err
	}
	w := &notification.Worker{Registry: e.registry, DB: e.db, Mail: sender, I18n: set.Bundle, Key: e.unsubscribeKey(),
		Scheme: e.scheme(), Zone: i18n.Zone}
	ws := w.Workers()
	periodic := append(w.Periodic(), set.Jobs(ws)...)
	client, err := jobs.New(pool, jobs.Config{Workers: ws, Periodic: periodic, Work: true, Log: e.log,
		Middleware: e.jobMiddleware()})
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	w.Client = client
	return w, pool, nil
}
