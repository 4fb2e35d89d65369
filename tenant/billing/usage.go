package billing

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/tenant"
)

// gib is the unit storage is reported in.
const gib = 1 << 30

// Period is the billing period of at: its month, in UTC ("2024-05").
func Period(at time.Time) string { return at.UTC().Format("2006-01") }

// ReportUsage reports, for the current period, the active members and the
// storage (GiB, rounded up) of every subscribed tenant, once per tenant,
// period and metric: a row claims the report in the same transaction as
// Stripe's call, which carries an idempotency key of the same three.
func (s *Service) ReportUsage(ctx context.Context) error {
	if !s.On() {
		return nil
	}
	var accts []*Account
	err := s.DB.NewSelect().Model(&accts).Where("subscription_id IS NOT NULL").
		Where("tenant_id IN (SELECT id FROM piazza.tenants WHERE status = 'active')").Order("tenant_id").Scan(ctx)
	if err != nil {
		return fmt.Errorf("usage report: %w", err)
	}
	for _, a := range accts {
		if err := s.reportOne(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) reportOne(ctx context.Context, a *Account) error {
	t := new(tenant.Tenant)
	if err := s.DB.NewSelect().Model(t).Where("id = ?", a.TenantID).Scan(ctx); err != nil {
		return fmt.Errorf("usage report: %w", err)
	}
	u, err := s.Registry.Usage(ctx, t)
	if err != nil {
		return err
	}
	now := s.now()
	period := Period(now)
	for _, m := range []struct {
		metric, item string
		qty          int64
	}{{"members", a.MembersItem, u.Members}, {"storage", a.StorageItem, (u.StorageBytes + gib - 1) / gib}} {
		if m.item == "" {
			continue
		}
		err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			claimed, err := claimReport(ctx, tx, t.ID, period, m.metric, m.qty)
			if err != nil || !claimed {
				return err
			}
			key := "piazza-usage-" + strconv.FormatInt(t.ID, 10) + "-" + period + "-" + m.metric
			if err := s.Provider.Report(ctx, m.item, m.qty, now, key); err != nil {
				return fmt.Errorf("report %s of %s: %w", m.metric, t.Slug, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// UsageArgs is the periodic job that reports usage and ends grace periods.
type UsageArgs struct{}

// Kind is the job's kind.
func (UsageArgs) Kind() string { return "billing.usage" }

// Jobs adds billing's worker to ws and returns its hourly schedule (none
// while billing is off).
func (s *Service) Jobs(ws *river.Workers) []*river.PeriodicJob {
	if !s.On() {
		return nil
	}
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, _ *river.Job[UsageArgs]) error {
		if err := s.Sweep(ctx); err != nil {
			return err
		}
		return s.ReportUsage(ctx)
	}))
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return UsageArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
}
