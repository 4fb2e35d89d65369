package profile

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/site"
	"github.com/piazza-pa/piazza/tenant"
)

// The service of messages between members, for the member of ctx.

// letter is a message recorded, with its two people, for the e-mail.
type letter struct {
	msg      *Message
	from, to *Profile
}

// Write sends body (checked by the form) from the member of ctx to member
// to: a person whose page they may see, who accepts messages, within the
// hourly limit. Once it is recorded, the recipient is e-mailed.
func (m *Module) Write(ctx context.Context, to int64, body string) error {
	var l letter
	err := m.viewing(ctx, func(ctx context.Context, tx bun.Tx, vw Viewer) error {
		var err error
		l, err = record(ctx, tx, vw, to, nil, body)
		return err
	})
	if err != nil {
		return err
	}
	m.tell(ctx, l)
	return nil
}

// Reply answers message id, received by the member of ctx, with body: a
// message to its sender, under the rules of Write.
func (m *Module) Reply(ctx context.Context, id int64, body string) error {
	var l letter
	err := m.viewing(ctx, func(ctx context.Context, tx bun.Tx, vw Viewer) error {
		msg, err := message(ctx, tx, vw.UserID, id)
		if err != nil {
			return err
		}
		if msg.RecipientID != vw.UserID {
			return ErrMessageNotFound
		}
		l, err = record(ctx, tx, vw, msg.SenderID, &msg.ID, body)
		return err
	})
	if err != nil {
		return err
	}
	m.tell(ctx, l)
	return nil
}

// record checks that vw may write to member to and records the message.
func record(ctx context.Context, tx bun.IDB, vw Viewer, to int64, replyTo *int64, body string) (letter, error) {
	if to == vw.UserID {
		return letter{}, ErrContactSelf
	}
	p, err := Get(ctx, tx, vw, to)
	if err != nil {
		return letter{}, err
	}
	if p.ContactOff {
		return letter{}, ErrContactOff
	}
	me, err := Get(ctx, tx, vw, vw.UserID)
	if err != nil {
		return letter{}, err
	}
	msg := &Message{SenderID: vw.UserID, RecipientID: to, ReplyTo: replyTo, Body: body}
	return letter{msg: msg, from: me, to: p}, insertMessage(ctx, tx, msg)
}

// tell e-mails the recipient of l, in their language, unless they want no
// e-mails: who wrote, the text, and the links to answer on the site and to
// the writer's page. Neither address is in it (the site's own sends it).
// A failed e-mail is only logged: the message waits on their page.
func (m *Module) tell(ctx context.Context, l letter) {
	s := site.FromContext(ctx)
	if m.mail == nil || s == nil || l.to.NotifyFrequency == "off" {
		return
	}
	lang := l.to.Locale
	if t := tenant.FromContext(ctx); lang == "" && t != nil {
		lang = t.Brand.Published.Language
	}
	if lang == "" {
		lang = i18n.Default
	}
	loc := m.Shell.I18n.For(lang)
	link := func(path string) string { return s.URL(m.scheme, "", path) }
	text := loc.T("profile.mail.intro", "Name", l.from.Name, "Site", s.Name) + "\n\n" + l.msg.Body + "\n\n" +
		loc.T("profile.mail.reply", "Link", link("/profile/messages/"+strconv.FormatInt(l.msg.ID, 10))) + "\n" +
		loc.T("profile.mail.sender", "Name", l.from.Name, "Link", link("/people/"+strconv.FormatInt(l.from.UserID, 10))) + "\n\n" +
		loc.T("profile.mail.off", "Link", link("/profile"))
	err := m.mail.Send(ctx, mail.Message{To: l.to.Email, Subject: loc.T("profile.mail.subject", "Name", l.from.Name, "Site", s.Name), Text: text})
	if err != nil {
		slog.WarnContext(ctx, "message not e-mailed", "site", s.ID, "message", l.msg.ID, "err", err)
	}
}

// Mailbox is a member's messages: the latest received and sent.
type Mailbox struct {
	Received, Sent []Message
}

// Mailbox reads the messages of the member of ctx.
func (m *Module) Mailbox(ctx context.Context) (*Mailbox, error) {
	b := new(Mailbox)
	err := m.viewing(ctx, func(ctx context.Context, tx bun.Tx, vw Viewer) error {
		var err error
		if b.Received, err = messagesOf(ctx, tx, vw.UserID, true, 100); err != nil {
			return err
		}
		b.Sent, err = messagesOf(ctx, tx, vw.UserID, false, 100)
		return err
	})
	return b, err
}

// Letter is a message as its page shows it.
type Letter struct {
	*Message
	// Received: the member of ctx received it; Reply: they may answer it.
	Received, Reply bool
}

// Read returns message id, which the member of ctx wrote or received
// (marking it read when they received it), and whether they may answer.
func (m *Module) Read(ctx context.Context, id int64) (*Letter, error) {
	var out Letter
	err := m.viewing(ctx, func(ctx context.Context, tx bun.Tx, vw Viewer) error {
		msg, err := message(ctx, tx, vw.UserID, id)
		if err != nil {
			return err
		}
		out = Letter{Message: msg, Received: msg.RecipientID == vw.UserID}
		if !out.Received {
			return nil
		}
		if msg.ReadAt == nil {
			if err := markRead(ctx, tx, id); err != nil {
				return err
			}
		}
		sender, err := Get(ctx, tx, vw, msg.SenderID)
		out.Reply = err == nil && !sender.ContactOff
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return nil
	})
	return &out, err
}
