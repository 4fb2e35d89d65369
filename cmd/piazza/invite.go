package main

import (
	"context"
	"log/slog"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/tenant"
)

// inviteAdmin mails the first tenant admin recorded at provisioning a link
// to set up their account. Without PIAZZA_SMTP_URL the e-mail, link
// included, is printed instead.
func (e *env) inviteAdmin(ctx context.Context, t *tenant.Tenant) error {
	if t.AdminEmail == "" {
		return nil
	}
	sender, err := e.mailer()
	if err != nil {
		return err
	}
	if _, ok := sender.(mail.Log); ok {
		sender = mail.Log{Logger: slog.New(slog.NewTextHandler(e.stderr, nil))}
	}
	local := &auth.Local{Mail: sender}
	base := t.URL(e.scheme(), e.registry.DefaultHost(t.Slug), "")
	return db.InTenant(ctx, e.db, t.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return local.Invite(ctx, tx, base, t.Name, t.AdminEmail)
	})
}
