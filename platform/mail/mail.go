// Package mail sends Piazza's e-mails: through an SMTP server in production,
// to the log under `piazza dev` (links included, so that a developer can
// follow them).
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/piazza-pa/piazza/platform"
)

// Message is one e-mail to one recipient.
type Message struct {
	To      string
	Subject string
	// Text is the plain-text body; HTML, when set, is an alternative.
	Text string
	HTML string
}

// Sender sends messages. Two implementations: SMTP and Log.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends through an SMTP server.
type SMTP struct {
	from string
	host string
	opts []gomail.Option
}

// NewSMTP returns a sender for smtpURL, of the form
// smtp://user:password@host:port?tls=mandatory|opportunistic|none
// (smtps:// for implicit TLS), sending from the address from.
func NewSMTP(smtpURL, from string) (*SMTP, error) {
	u, err := url.Parse(smtpURL)
	if err != nil || u.Hostname() == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, errors.New("not an smtp:// or smtps:// URL with a host")
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, errors.New("invalid port")
		}
		opts = append(opts, gomail.WithPort(n))
	}
	switch tls := u.Query().Get("tls"); {
	case u.Scheme == "smtps":
		opts = append(opts, gomail.WithSSL())
	case tls == "" || tls == "mandatory":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case tls == "opportunistic":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case tls == "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("tls=%q: want mandatory, opportunistic or none", tls)
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	return &SMTP{from: from, host: u.Hostname(), opts: opts}, nil
}

// Send delivers m, one SMTP exchange per message.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s: %w", m.To, err)
	}
	return nil
}

// Log writes messages to the log instead of sending them (development).
type Log struct{ Logger *slog.Logger }

// Send logs m, body included.
func (l Log) Send(ctx context.Context, m Message) error {
	l.Logger.InfoContext(ctx, "e-mail (not sent: development mode)", "to", m.To, "subject", m.Subject, "body", m.Text)
	return nil
}

// ErrNotConfigured is an e-mail that cannot go out: no SMTP server is set.
var ErrNotConfigured = platform.NewKeyedError(platform.ErrUnavailable, "error.mail_not_configured", "e-mail is not configured on this server: ask the operator to set PIAZZA_SMTP_URL")

// Disabled refuses to send, logging only the recipient and subject: outside
// development, e-mail bodies carry sign-in links that must not reach logs.
type Disabled struct{ Logger *slog.Logger }

// Send logs that m was not sent and returns ErrNotConfigured.
func (d Disabled) Send(ctx context.Context, m Message) error {
	d.Logger.WarnContext(ctx, "e-mail not sent: PIAZZA_SMTP_URL is not set", "to", m.To, "subject", m.Subject)
	return ErrNotConfigured
}
