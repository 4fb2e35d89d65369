// Package notify tells people of what is published for them: an event
// recorded with the item's scope in the publishing transaction, fanned out
// to everyone the scope reaches as in-app notifications (the bell), and
// e-mailed in digests at each person's frequency — immediate, daily, weekly,
// monthly or off, with per-community overrides — once per period.
package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/scope"
)

// Event is a published item to tell people of.
type Event struct {
	bun.BaseModel `bun:"table:events,alias:e"`

	ID          int64  `bun:"id,pk,autoincrement"`
	ContentType string `bun:"content_type"`
	ItemID      int64  `bun:"item_id"`
	Title       string `bun:"title"`
	URL         string `bun:"url"`
	AuthorID    *int64 `bun:"author_id"`
	State       string `bun:"state"`
	scope.Scope
	// RecipientID, when set, is the one person the event is for, whatever
	// its scope (see Tell); Message is then the key of its sentence, which
	// each person reads in their language with the title as {{.Title}}.
	RecipientID *int64    `bun:"recipient_id"`
	Message     string    `bun:"message"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`
}

// Publish records the event of a published item, in the publishing
// transaction; the caller dispatches it (Fanout) once committed.
func Publish(ctx context.Context, tx bun.IDB, e *Event) error {
	e.State = "published"
	e.Scope.Lists()
	if _, err := tx.NewInsert().Model(e).Returning("id, created_at").Exec(ctx); err != nil {
		return fmt.Errorf("record event: %w", err)
	}
	return nil
}

// Fanout creates the in-app notifications of an event for everyone its
// scope reaches but its author, each with their frequency (the override of
// the first of the item's communities they set one for, else their
// profile's), and marks it dispatched. It returns who wants it at once.
// Running it twice adds nothing.
func Fanout(ctx context.Context, tx bun.IDB, eventID int64) ([]int64, error) {
	q := `INSERT INTO notifications (user_id, event_id, frequency)
		SELECT u.id, e.id, coalesce(
			(SELECT cm.notify_frequency FROM community_members AS cm WHERE cm.user_id = u.id AND cm.state = 'active'
				AND cm.community_id = ANY (e.scope_communities) AND cm.notify_frequency IS NOT NULL ORDER BY cm.community_id LIMIT 1),
			(SELECT p.notify_frequency FROM profiles AS p WHERE p.user_id = u.id), 'daily')
		FROM events AS e CROSS JOIN users AS u
		WHERE e.id = ? AND e.dispatched_at IS NULL AND u.status = 'active' AND u.id IS DISTINCT FROM e.author_id
			AND CASE WHEN e.recipient_id IS NULL THEN ` + scope.PublishedFor("e", "u.id") + ` ELSE u.id = e.recipient_id END
		ON CONFLICT (user_id, event_id) DO NOTHING
		RETURNING user_id, frequency`
	var rows []struct {
		UserID    int64  `bun:"user_id"`
		Frequency string `bun:"frequency"`
	}
	if err := tx.NewRaw(q, eventID).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("fan out event %d: %w", eventID, err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE events SET dispatched_at = now() WHERE id = ?", eventID); err != nil {
		return nil, err
	}
	var now []int64
	for _, r := range rows {
		if r.Frequency == "immediate" {
			now = append(now, r.UserID)
		}
	}
	return now, nil
}

// Tell records an event for one person only, to (in their frequency and
// language: message is the key of its sentence, the title its argument
// Title), in the transaction that changed what it tells of, keeping its id
// in ctx's outbox as Announce does.
func Tell(ctx context.Context, tx bun.IDB, e *Event, to int64, message string) error {
	e.RecipientID, e.Message = &to, message
	if e.Kind == "" {
		e.Kind = scope.Tenant
	}
	return Announce(ctx, tx, e)
}

// Pending lists events not yet dispatched, older than age (a dispatch
// lost between a commit and its job).
func Pending(ctx context.Context, tx bun.IDB, age time.Duration, limit int) ([]int64, error) {
	var ids []int64
	err := tx.NewSelect().Table("events").Column("id").Where("dispatched_at IS NULL AND created_at < ?", time.Now().Add(-age)).
		Order("id").Limit(int64(limit)).Scan(ctx, &ids)
	return ids, err
}

// Note is a notification as its person sees it.
type Note struct {
	ID        int64      `bun:"id"`
	Title     string     `bun:"title"`
	URL       string     `bun:"url"`
	Kind      string     `bun:"content_type"`
	CreatedAt time.Time  `bun:"created_at"`
	ReadAt    *time.Time `bun:"read_at"`
	// Message is the key of its sentence ("" for the title alone).
	Message string `bun:"message"`
}

// Translator translates a message key in a person's language.
type Translator interface {
	T(key string, args ...any) string
}

// Text is the note as its person reads it in l's language: its sentence
// with the title, or the title alone.
func (n Note) Text(l Translator) string {
	if n.Message == "" {
		return n.Title
	}
	return l.T(n.Message, "Title", n.Title)
}

// Unread counts uid's unread notifications.
func Unread(ctx context.Context, tx bun.IDB, uid int64) (int, error) {
	n, err := tx.NewSelect().Conn(db.Prepared(tx, uid)).Table("notifications").Where("user_id = $1 AND read_at IS NULL").Count(ctx)
	return int(n), err
}

// List returns uid's latest notifications.
func List(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]Note, error) {
	var ns []Note
	err := tx.NewRaw(`SELECT n.id, e.title, e.url, e.content_type, n.created_at, n.read_at, e.message
		FROM notifications AS n JOIN events AS e ON e.id = n.event_id WHERE n.user_id = ?
		ORDER BY n.created_at DESC, n.id DESC LIMIT ?`, uid, limit).Scan(ctx, &ns)
	return ns, err
}

// MarkRead marks all of uid's notifications read.
func MarkRead(ctx context.Context, tx bun.IDB, uid int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE notifications SET read_at = now() WHERE user_id = ? AND read_at IS NULL", uid)
	return err
}

// Period is the digest period of t at frequency f ("" for off), in loc:
// the day, the ISO week, the month; for immediate, the event.
func Period(f string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	switch f {
	case "daily":
		return t.Format("2006-01-02")
	case "weekly":
		y, w := t.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case "monthly":
		return t.Format("2006-01")
	}
	return ""
}

// Claim records the digest of uid for (frequency, period) and returns the
// notifications it carries, marking them e-mailed; ok is false when that
// digest exists already (it was sent). The caller sends the mail before
// committing, so a failed send leaves everything as it was.
func Claim(ctx context.Context, tx bun.IDB, uid int64, frequency, period string) (notes []Note, ok bool, err error) {
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO digests (user_id, frequency, period) VALUES (?, ?, ?)
		ON CONFLICT (user_id, frequency, period) DO NOTHING RETURNING id`, uid, frequency, period).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("claim digest: %w", err)
	}
	err = tx.NewRaw(`UPDATE notifications AS n SET emailed_at = now() FROM events AS e
		WHERE e.id = n.event_id AND n.user_id = ? AND n.frequency = ? AND n.emailed_at IS NULL
		RETURNING n.id, e.title, e.url, e.content_type, n.created_at, n.read_at, e.message`, uid, frequency).Scan(ctx, &notes)
	if err != nil {
		return nil, false, fmt.Errorf("digest items: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE digests SET items = ? WHERE id = ?", len(notes), id); err != nil {
		return nil, false, err
	}
	return notes, true, nil
}

// Due lists the people with notifications waiting for a digest at frequency.
func Due(ctx context.Context, tx bun.IDB, frequency string) ([]int64, error) {
	var ids []int64
	err := tx.NewRaw(`SELECT DISTINCT user_id FROM notifications WHERE frequency = ? AND emailed_at IS NULL ORDER BY user_id`, frequency).Scan(ctx, &ids)
	return ids, err
}

// UnsubscribeToken is the signed token of a person's unsubscribe link.
func UnsubscribeToken(key []byte, tenantID, uid int64) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("unsubscribe|" + strconv.FormatInt(tenantID, 10) + "|" + strconv.FormatInt(uid, 10)))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CheckUnsubscribe says whether token is uid's in the tenant.
func CheckUnsubscribe(key []byte, tenantID, uid int64, token string) bool {
	return hmac.Equal([]byte(UnsubscribeToken(key, tenantID, uid)), []byte(token))
}

type outboxKey struct{}

type outbox struct{ ids []int64 }

// WithOutbox returns ctx in which Publish keeps the ids of the events it
// records, and a function listing them — to dispatch once the transaction
// committed.
func WithOutbox(ctx context.Context) (context.Context, func() []int64) {
	o := &outbox{}
	return context.WithValue(ctx, outboxKey{}, o), func() []int64 { return o.ids }
}

// Dispatcher queues the fan-out of a committed event of the tenant slug.
type Dispatcher func(ctx context.Context, slug string, eventID int64) error

// Announce records the event of a published item (see Publish), keeping
// its id in ctx's outbox.
func Announce(ctx context.Context, tx bun.IDB, e *Event) error {
	if err := Publish(ctx, tx, e); err != nil {
		return err
	}
	if o, ok := ctx.Value(outboxKey{}).(*outbox); ok {
		o.ids = append(o.ids, e.ID)
	}
	return nil
}

// DispatchAll queues the fan-out of committed events through d (nil: the
// schedule picks them up later); a failure is only logged, since the
// schedule also re-queues events left behind.
func DispatchAll(ctx context.Context, d Dispatcher, slug string, ids []int64) {
	if d == nil {
		return
	}
	for _, id := range ids {
		if err := d(ctx, slug, id); err != nil {
			slog.ErrorContext(ctx, "dispatch notification", "tenant", slug, "event", id, "err", err)
		}
	}
}
