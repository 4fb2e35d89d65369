package exchange

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/exchange/share"
	"github.com/piazza-pa/piazza/tenant"
)

// SweepArgs is the periodic job that catches up: tenants whose outbox
// holds changes not yet copied (a change whose job was lost, or made where
// no job is queued, such as a closing), tenants resumed or opting in again
// (every shared item copied anew) and interests not yet delivered.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "exchange_sweep" }

// DeliverArgs is the job that delivers mailbox entry Mailbox.
type DeliverArgs struct {
	Mailbox int64 `json:"mailbox"`
}

// Kind names the job.
func (DeliverArgs) Kind() string { return "exchange_deliver" }

// Jobs adds the exchange's workers and returns the sweep's schedule
// (jobs.Offer).
func (m *Module) Jobs(ws *river.Workers) []*river.PeriodicJob {
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, j *river.Job[share.SyncArgs]) error { return m.Sync(ctx, j.Args.Tenant) }))
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, j *river.Job[DeliverArgs]) error {
		return m.Deliver(ctx, j.Args.Mailbox)
	}))
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, j *river.Job[ReplyArgs]) error { return m.DeliverReply(ctx, j.Args.Reply) }))
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, _ *river.Job[SweepArgs]) error { return m.Sweep(ctx) }))
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(m.every),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
}

// change is an item of the outbox and what the tenant says of it now: its
// snapshot, or nil when it is no longer to be shown.
type change struct {
	typ  string
	id   int64
	snap *share.Snapshot
}

// batch is how many outbox entries one pass reads.
const batch = 200

// Sync copies tenant slug's outbox to the exchange: for each item changed,
// its snapshot as the tenant says it now (read in the tenant's own
// transaction) is written, or removed, in a control-plane transaction of
// its own; then the entries are marked done in the tenant. Run twice, or
// after a crash between the two, it writes the same snapshots again. A
// tenant that is not active or does not take part writes nothing (its
// entries are marked done: opting in again copies every shared item).
// Then the tenant's replies to respondents of other administrations are
// copied (see syncReplies).
func (m *Module) Sync(ctx context.Context, slug string) error {
	t, err := m.registry.Get(ctx, slug)
	if errors.Is(err, tenant.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for {
		n, err := m.syncBatch(ctx, t)
		if err != nil {
			return err
		}
		if n < batch {
			return m.syncReplies(ctx, t)
		}
	}
}

// syncBatch copies up to batch outbox entries of t and says how many it read.
func (m *Module) syncBatch(ctx context.Context, t *tenant.Tenant) (int, error) {
	var ids []int64
	// One pass per tenant at a time: the control-plane transaction holds
	// the tenant's lock until its snapshots are written, so an older read
	// never overwrites a newer one.
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, ctl bun.Tx) error {
		if _, err := ctl.ExecContext(ctx, "SELECT pg_advisory_xact_lock(727003, ?::int)", t.ID); err != nil {
			return err
		}
		var active, in bool
		err := ctl.QueryRowContext(ctx, `SELECT t.status = 'active', EXISTS (SELECT 1 FROM piazza.exchange_members WHERE tenant_id = t.id)
			FROM piazza.tenants AS t WHERE t.id = ?`, t.ID).Scan(&active, &in)
		if err != nil {
			return fmt.Errorf("exchange tenant: %w", err)
		}
		if !active {
			return nil // resumed, the sweep copies its shared items anew
		}
		var changes []change
		err = m.inTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
			ids, changes, err = m.pending(ctx, tx, in)
			return err
		})
		if err != nil || !in {
			return err
		}
		for _, c := range changes {
			if err := put(ctx, ctl, t.ID, t.Name, c.typ, c.id, c.snap); err != nil {
				return fmt.Errorf("exchange snapshot: %w", err)
			}
		}
		return nil
	})
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	err = m.inTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewRaw("UPDATE exchange_outbox SET done_at = now() WHERE id IN (?)", bun.List(ids)).Exec(ctx)
		return err
	})
	return len(ids), err
}

// pending reads, in the tenant's transaction, up to batch entries of the
// outbox and, when the tenant takes part, each item's snapshot if it is
// shared and may be shown.
func (m *Module) pending(ctx context.Context, tx bun.IDB, in bool) ([]int64, []change, error) {
	var rows []struct {
		ID     int64  `bun:"id"`
		Type   string `bun:"item_type"`
		ItemID int64  `bun:"item_id"`
	}
	if err := tx.NewSelect().Table("exchange_outbox").Column("id", "item_type", "item_id").Where("done_at IS NULL").
		OrderExpr("id").Limit(batch).Scan(ctx, &rows); err != nil {
		return nil, nil, fmt.Errorf("exchange outbox: %w", err)
	}
	ids := make([]int64, 0, len(rows))
	seen := map[[2]any]bool{}
	var changes []change
	for _, r := range rows {
		ids = append(ids, r.ID)
		if !in || seen[[2]any{r.Type, r.ItemID}] {
			continue
		}
		seen[[2]any{r.Type, r.ItemID}] = true
		c := change{typ: r.Type, id: r.ItemID}
		src := m.sources[r.Type]
		shared, err := share.Shared(ctx, tx, r.Type, r.ItemID)
		if err != nil {
			return nil, nil, err
		}
		if src != nil && shared {
			s, ok, err := src.ExchangeSnapshot(ctx, tx, r.ItemID)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				c.snap = &s
			}
		}
		changes = append(changes, c)
	}
	return ids, changes, nil
}

// Sweep catches up with every active tenant that takes part: a tenant
// whose registry row changed since its last full copy (resumed) has all
// its shared items copied anew; a tenant with outbox entries waiting has
// them copied; then every mailbox entry and every reply waiting is
// delivered.
func (m *Module) Sweep(ctx context.Context) error {
	var ts []struct {
		Slug  string `bun:"slug"`
		Stale bool   `bun:"stale"`
	}
	err := m.DB.NewRaw(`SELECT t.slug, em.synced_at < t.updated_at AS stale FROM piazza.exchange_members AS em
		JOIN piazza.tenants AS t ON t.id = em.tenant_id AND t.status = 'active' ORDER BY t.id`).Scan(ctx, &ts)
	if err != nil {
		return fmt.Errorf("exchange sweep: %w", err)
	}
	for _, x := range ts {
		if err := m.catchUp(ctx, x.Slug, x.Stale); err != nil {
			slog.ErrorContext(ctx, "exchange sweep", "tenant", x.Slug, "err", err)
		}
	}
	var waiting []int64
	if err := m.DB.NewRaw(`SELECT id FROM piazza.exchange_mailbox WHERE state = 'pending' AND attempts < 20 ORDER BY id LIMIT 500`).
		Scan(ctx, &waiting); err != nil {
		return fmt.Errorf("exchange sweep: %w", err)
	}
	for _, id := range waiting {
		if err := m.Deliver(ctx, id); err != nil {
			slog.ErrorContext(ctx, "exchange delivery", "mailbox", id, "err", err)
		}
	}
	return m.deliverReplies(ctx)
}

// catchUp copies tenant slug's outboxes (of snapshots and of replies),
// after writing every shared item to the first when stale.
func (m *Module) catchUp(ctx context.Context, slug string, stale bool) error {
	t, err := m.registry.Get(ctx, slug)
	if err != nil {
		return err
	}
	var waiting bool
	err = m.inTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		if stale {
			if err := share.All(ctx, tx); err != nil {
				return err
			}
		}
		if waiting, err = tx.NewSelect().Table("exchange_outbox").Where("done_at IS NULL").Exists(ctx); err != nil || waiting {
			return err
		}
		waiting, err = tx.NewSelect().Table("exchange_reply_outbox").Where("done_at IS NULL").Exists(ctx)
		return err
	})
	if err != nil {
		return err
	}
	if stale {
		if _, err := m.DB.NewRaw("UPDATE piazza.exchange_members SET synced_at = now() WHERE tenant_id = ?", t.ID).Exec(ctx); err != nil {
			return err
		}
	}
	if !waiting {
		return nil
	}
	return m.Sync(ctx, slug)
}
