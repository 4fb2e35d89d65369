package exchange

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/tenant"
)

// Replies: the evaluation of an interest that crossed through the mailbox
// goes back to its respondent. The origin tenant writes its reply outbox
// in the evaluation's transaction (share.Reply); Sync copies it, read in
// the origin's transaction, to the control plane (migrations/control/0016)
// for letters addressed to the origin only; DeliverReply tells the
// respondent inside their own tenant's transaction, in their language and
// frequency, and the opportunity's page shows it.

// ReplyArgs is the job that delivers reply Reply to its respondent.
type ReplyArgs struct {
	Reply int64 `json:"reply"`
}

// Kind names the job.
func (ReplyArgs) Kind() string { return "exchange_reply" }

// Reply is an evaluation of the member's interest, as their page shows it.
type Reply struct {
	State       string    `bun:"state"`
	Note        string    `bun:"note"`
	EvaluatedAt time.Time `bun:"evaluated_at"`
}

// replyStates are the states a reply tells of, by type of item (any other
// is told as a change without its name).
var replyStates = map[string][]string{
	"proposal":    {"in_evaluation", "relevant", "not_relevant"},
	"partnership": {"taken_over", "info_requested", "agreement", "no_agreement"},
}

// syncReplies copies tenant t's reply outbox to the control plane: each
// entry whose letter is addressed to t (written once however often it is
// copied), then marks them done in t and queues their delivery.
func (m *Module) syncReplies(ctx context.Context, t *tenant.Tenant) error {
	for {
		var rows []struct {
			ID        int64     `bun:"id"`
			Ref       int64     `bun:"ref"`
			State     string    `bun:"state"`
			Note      string    `bun:"note"`
			CreatedAt time.Time `bun:"created_at"`
		}
		err := m.inTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
			return tx.NewSelect().Table("exchange_reply_outbox").Column("id", "ref", "state", "note", "created_at").
				Where("done_at IS NULL").OrderExpr("id").Limit(batch).Scan(ctx, &rows)
		})
		if err != nil || len(rows) == 0 {
			return err
		}
		var fresh, done []int64
		err = m.DB.RunInTx(ctx, nil, func(ctx context.Context, ctl bun.Tx) error {
			for _, r := range rows {
				var id int64
				err := ctl.NewRaw(`INSERT INTO piazza.exchange_replies (mailbox_id, source_id, state, note, evaluated_at)
					SELECT mb.id, ?, ?, ?, ? FROM piazza.exchange_mailbox AS mb WHERE mb.id = ? AND mb.to_tenant_id = ?
					ON CONFLICT (mailbox_id, source_id) DO NOTHING RETURNING id`,
					r.ID, clip(r.State, 30), clip(r.Note, 1000), r.CreatedAt, r.Ref, t.ID).Scan(ctx, &id)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("exchange reply: %w", err)
				}
				if id != 0 {
					fresh = append(fresh, id)
				}
				done = append(done, r.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = m.inTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewRaw("UPDATE exchange_reply_outbox SET done_at = now() WHERE id IN (?)", bun.List(done)).Exec(ctx)
			return err
		})
		if err != nil {
			return err
		}
		for _, id := range fresh {
			if err := m.queue.Insert(ctx, ReplyArgs{Reply: id}, &river.InsertOpts{MaxAttempts: 5}); err != nil {
				slog.ErrorContext(ctx, "queue exchange reply", "reply", id, "err", err) // the sweep delivers it
			}
		}
		if len(rows) < batch {
			return nil
		}
	}
}

// DeliverReply tells the respondent of reply id, inside their tenant's
// transaction, of the evaluation of their interest; refused when their
// tenant no longer takes part or they are gone. A tenant suspended
// meanwhile keeps it waiting. Delivered twice (a crash before it is
// marked), it may tell twice; it never tells anyone else.
func (m *Module) DeliverReply(ctx context.Context, id int64) error {
	// One delivery of a reply at a time: its row stays locked in a
	// control-plane transaction until the outcome is recorded, and a job
	// that finds it locked (the sweep beside the reply's own job) leaves
	// it to the one delivering.
	var failed error
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, ctl bun.Tx) error {
		var r struct {
			MailboxID  int64  `bun:"mailbox_id"`
			SnapshotID *int64 `bun:"snapshot_id"`
			UserID     int64  `bun:"from_user_id"`
			ItemType   string `bun:"item_type"`
			ItemTitle  string `bun:"item_title"`
			State      string `bun:"state"`
			Slug       string `bun:"slug"`
			Active     bool   `bun:"active"`
			Member     bool   `bun:"member"`
		}
		err := ctl.NewRaw(`SELECT r.mailbox_id, mb.snapshot_id, mb.from_user_id, mb.item_type, mb.item_title, r.state, t.slug,
			t.status = 'active' AS active, EXISTS (SELECT 1 FROM piazza.exchange_members WHERE tenant_id = t.id) AS member
			FROM piazza.exchange_replies AS r JOIN piazza.exchange_mailbox AS mb ON mb.id = r.mailbox_id
			JOIN piazza.tenants AS t ON t.id = mb.from_tenant_id WHERE r.id = ? AND r.delivery = 'pending'
			FOR UPDATE OF r SKIP LOCKED`, id).Scan(ctx, &r)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // delivered, refused, or being delivered
		}
		if err != nil {
			return fmt.Errorf("exchange reply: %w", err)
		}
		if !r.Member {
			return markReply(ctx, ctl, id, "refused", "")
		}
		if !r.Active {
			return nil // it waits, without counting an attempt, until the tenant is resumed
		}
		t, err := m.registry.Get(ctx, r.Slug)
		if err != nil {
			return err
		}
		message := "exchange.notify.replied"
		if slices.Contains(replyStates[r.ItemType], r.State) {
			message = "exchange.notify." + r.ItemType + "." + r.State
		}
		link := "/exchange"
		if r.SnapshotID != nil {
			link += "/" + strconv.FormatInt(*r.SnapshotID, 10)
		}
		ctx, announced := notify.WithOutbox(ctx)
		var here bool
		// The respondent's tenant, in its own transaction (another
		// connection: the control plane's stays open, holding the lock).
		err = m.inTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
			if here, err = tx.NewSelect().Table("users").Where("id = ? AND status = 'active'", r.UserID).Exists(ctx); err != nil || !here {
				return err
			}
			ev := &notify.Event{ContentType: "exchange", ItemID: r.MailboxID, Title: r.ItemTitle, URL: link}
			return notify.Tell(ctx, tx, ev, r.UserID, message)
		})
		if err != nil {
			failed = err
			return markReply(ctx, ctl, id, "pending", err.Error())
		}
		notify.DispatchAll(tenant.NewContext(ctx, t), m.dispatch, t.Slug, announced())
		if !here {
			return markReply(ctx, ctl, id, "refused", "")
		}
		return markReply(ctx, ctl, id, "delivered", "")
	})
	if err != nil {
		return err
	}
	return failed
}

// markReply records a delivery attempt of reply id and its outcome, in db
// (the transaction that holds the reply).
func markReply(ctx context.Context, db bun.IDB, id int64, state, problem string) error {
	_, err := db.NewRaw(`UPDATE piazza.exchange_replies SET delivery = ?, attempts = attempts + 1, last_error = ?,
		delivered_at = CASE WHEN ? = 'delivered' THEN now() END WHERE id = ?`, state, strings.ToValidUTF8(clip(problem, 500), ""), state, id).Exec(ctx)
	return err
}

// replies are the evaluations delivered to the respondent of letter l,
// the newest first.
func replies(ctx context.Context, db bun.IDB, l *Letter) ([]Reply, error) {
	var out []Reply
	err := db.NewRaw(`SELECT state, note, evaluated_at FROM piazza.exchange_replies
		WHERE mailbox_id = ? AND delivery = 'delivered' ORDER BY evaluated_at DESC, id DESC LIMIT 20`, l.ID).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("exchange replies: %w", err)
	}
	return out, nil
}

// deliverReplies delivers the replies waiting (the sweep).
func (m *Module) deliverReplies(ctx context.Context) error {
	var waiting []int64
	if err := m.DB.NewRaw(`SELECT id FROM piazza.exchange_replies WHERE delivery = 'pending' AND attempts < 20 ORDER BY id LIMIT 500`).
		Scan(ctx, &waiting); err != nil {
		return fmt.Errorf("exchange sweep: %w", err)
	}
	for _, id := range waiting {
		if err := m.DeliverReply(ctx, id); err != nil {
			slog.ErrorContext(ctx, "exchange reply", "reply", id, "err", err)
		}
	}
	return nil
}
