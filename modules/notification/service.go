package notification

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/profile"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/platform/site"
)

// The service: what a member does with their notifications, and what an
// unsubscribe link does, each in one of the tenant's transactions.

// Notes are the member of ctx's latest notifications, newest first.
func (m *Module) Notes(ctx context.Context) (notes []notify.Note, err error) {
	uid := auth.UserFromContext(ctx).ID
	err = m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		notes, err = notify.List(ctx, tx, uid, 100)
		return err
	})
	return notes, err
}

// MarkRead marks every notification of the member of ctx read.
func (m *Module) MarkRead(ctx context.Context) error {
	uid := auth.UserFromContext(ctx).ID
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error { return notify.MarkRead(ctx, tx, uid) })
}

// linkOK checks an unsubscribe link's user and token for the site of ctx.
func (m *Module) linkOK(ctx context.Context, u, token string) (int64, bool) {
	uid, err := strconv.ParseInt(u, 10, 64)
	return uid, err == nil && notify.CheckUnsubscribe(m.key, site.FromContext(ctx).ID, uid, token)
}

// Unsubscribe turns member uid's e-mails off: their profile's frequency,
// every community override (asked of those modules), and the notifications
// not e-mailed yet, which no digest will carry.
func (m *Module) Unsubscribe(ctx context.Context, uid int64) error {
	return m.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := profile.MuteMail(ctx, tx, uid); err != nil {
			return err
		}
		if err := community.ForgetMailOverrides(ctx, tx, uid); err != nil {
			return err
		}
		return markEmailed(ctx, tx, uid)
	})
}
