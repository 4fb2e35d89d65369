package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/idp"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/tenant/onboard"
)

// onboarder provisions tenants from the command line with their first
// admin's way to sign in. Without PIAZZA_SMTP_URL the invitations, links
// included, are printed instead of mailed.
func (e *env) onboarder() (*onboard.Onboarder, error) {
	sender, err := e.mailer()
	if err != nil {
		return nil, err
	}
	if _, ok := sender.(mail.Log); ok {
		sender = mail.Log{Logger: slog.New(slog.NewTextHandler(e.stderr, nil))}
	}
	box, err := e.box()
	if err != nil {
		return nil, err
	}
	flow := &idp.Flow{Client: &http.Client{Timeout: 15 * time.Second}}
	return &onboard.Onboarder{DB: e.db, Registry: e.registry, IdPs: idp.NewStore(e.db, box), Check: flow.Check,
		Local: &auth.Local{Mail: sender}, Scheme: e.scheme()}, nil
}
