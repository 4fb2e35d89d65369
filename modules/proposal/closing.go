package proposal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/exchange/share"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/workflow"
	"github.com/piazza-pa/piazza/tenant"
)

// CloseArgs is the job that closes a proposal at its closing date At: it
// runs then, and again after any restart, until it has run once.
type CloseArgs struct {
	Tenant     string    `json:"tenant"`
	ProposalID int64     `json:"proposal_id"`
	At         time.Time `json:"at"`
}

// Kind names the job.
func (CloseArgs) Kind() string { return "proposal_close" }

// SweepArgs is the periodic job that queues the closing of the proposals
// whose date passed without a job (one lost between a commit and its
// queueing) and ranks the matching panels that are due (RankDue). After
// is the slug of the last tenant a sweep visited ("" to start): a sweep
// that runs out of time (tenant.SweepBudget) queues its continuation.
type SweepArgs struct {
	After string `json:"after,omitempty"`
}

// Kind names the job.
func (SweepArgs) Kind() string { return "proposal_sweep" }

// Jobs adds the closing and sweeping workers and returns the sweep's
// schedule: every quarter of an hour (jobs.Offer).
func (m *Module) Jobs(ws *river.Workers) []*river.PeriodicJob {
	river.AddWorker(ws, river.WorkFunc(m.closeJob))
	river.AddWorker(ws, river.WorkFunc(m.sweep))
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(15*time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
}

// scheduleClosing queues, once the transaction has committed, the closing
// of published proposal id at its closing date (none without one). Jobs
// are unique by tenant, proposal and date: a new date is a new job, and
// the one of the old date finds nothing to do.
func (m *Module) scheduleClosing(ctx context.Context, tx bun.IDB, id int64) error {
	var at sql.NullTime
	if err := tx.NewSelect().Table("proposals").Column("closes_at").Where("id = ? AND state = 'published'", id).Scan(ctx, &at); err != nil &&
		!errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("proposal closing date: %w", err)
	}
	if !at.Valid {
		return nil
	}
	args := CloseArgs{Tenant: tenant.FromContext(ctx).Slug, ProposalID: id, At: at.Time.UTC()}
	content.AfterCommit(ctx, func(ctx context.Context) {
		if err := m.queueClose(ctx, args); err != nil {
			slog.ErrorContext(ctx, "schedule proposal closing", "tenant", args.Tenant, "proposal", id, "err", err)
		}
	})
	return nil
}

// queueClose queues the closing job args at its date.
func (m *Module) queueClose(ctx context.Context, args CloseArgs) error {
	return m.jobs.Insert(ctx, args, &river.InsertOpts{ScheduledAt: args.At, UniqueOpts: river.UniqueOpts{ByArgs: true}})
}

// closeJob closes the proposal of the job if it is still published and its
// closing date (read again) has come; otherwise, or done already, it does
// nothing.
func (m *Module) closeJob(ctx context.Context, job *river.Job[CloseArgs]) error {
	var closed bool
	err := m.inTenant(ctx, job.Args.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		closed, err = CloseDue(ctx, tx, job.Args.ProposalID)
		return err
	})
	if err == nil && closed { // a shared proposal leaves the exchange now
		share.Kick(ctx, m.jobs, job.Args.Tenant)
	}
	return err
}

// CloseDue closes proposal id when it is published and its closing date
// has come, recording the step in its history (by nobody: the schedule);
// it says whether it closed it. Run twice, it closes once.
func CloseDue(ctx context.Context, tx bun.IDB, id int64) (bool, error) {
	var due bool
	err := tx.NewSelect().Table("proposals").ColumnExpr("closes_at <= now()").
		Where("id = ? AND state = 'published' AND closes_at IS NOT NULL", id).For("UPDATE").Scan(ctx, &due)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !due) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("proposal to close: %w", err)
	}
	_, err = workflow.Apply(ctx, tx, workflow.Item{Type: ContentType, Table: "proposals", ID: id}, "close", 0, "",
		func(perm string) bool { return perm == "close" })
	return err == nil, err
}

// sweep queues the closing of every active tenant's proposals whose date
// has passed and that are still published.
func (m *Module) sweep(ctx context.Context, job *river.Job[SweepArgs]) error {
	ts, err := m.registry.List(ctx)
	if err != nil {
		return err
	}
	next, err := tenant.Sweep(ctx, ts, job.Args.After, tenant.SweepBudget, func(t *tenant.Tenant) error {
		var due []struct {
			ID       int64     `bun:"id"`
			ClosesAt time.Time `bun:"closes_at"`
		}
		err := m.inTenantOf(ctx, t, func(ctx context.Context, tx bun.Tx) error {
			return tx.NewSelect().Table("proposals").Column("id", "closes_at").
				Where("state = 'published' AND closes_at <= now()").OrderExpr("closes_at").Limit(1000).Scan(ctx, &due)
		})
		if err != nil {
			return err
		}
		for _, d := range due {
			if err := m.queueClose(ctx, CloseArgs{Tenant: t.Slug, ProposalID: d.ID, At: d.ClosesAt.UTC()}); err != nil {
				return err
			}
		}
		// the panels about to need a new ranking get it now (RankDue); a
		// failure leaves them to be ranked when shown
		if err := m.inTenantOf(ctx, t, func(ctx context.Context, tx bun.Tx) error {
			_, err := RankDue(ctx, tx, rerankBatch)
			return err
		}); err != nil {
			slog.ErrorContext(ctx, "rank proposals' suggestions", "tenant", t.Slug, "err", err)
		}
		return nil
	})
	if err != nil || next == "" {
		return err
	}
	return m.jobs.Insert(ctx, SweepArgs{After: next}, nil)
}

// inTenant runs fn in a transaction of the active tenant slug (nothing
// for a tenant gone or suspended).
func (m *Module) inTenant(ctx context.Context, slug string, fn func(ctx context.Context, tx bun.Tx) error) error {
	t, err := m.registry.Get(ctx, slug)
	if errors.Is(err, tenant.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if t.Status != tenant.StatusActive {
		return nil
	}
	return m.inTenantOf(ctx, t, fn)
}

// inTenantOf runs fn in a transaction of t, already read (a sweep's list).
func (m *Module) inTenantOf(ctx context.Context, t *tenant.Tenant, fn func(ctx context.Context, tx bun.Tx) error) error {
	return db.InTenant(tenant.NewContext(ctx, t), m.DB, t.Scope(), fn)
}
