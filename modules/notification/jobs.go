package notification

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/jobs"
	"github.com/piazza-pa/piazza/platform/mail"
	"github.com/piazza-pa/piazza/platform/notify"
	"github.com/piazza-pa/piazza/tenant"
)

// FanoutArgs is the job of turning an event into notifications.
type FanoutArgs struct {
	Tenant  string `json:"tenant"`
	EventID int64  `json:"event_id"`
}

// Kind names the job.
func (FanoutArgs) Kind() string { return "notify_fanout" }

// DigestArgs is the job of one person's digest for one period.
type DigestArgs struct {
	Tenant    string `json:"tenant"`
	UserID    int64  `json:"user_id"`
	Frequency string `json:"frequency"`
	Period    string `json:"period"`
}

// Kind names the job.
func (DigestArgs) Kind() string { return "notify_digest" }

// ScheduleArgs is the periodic job that finds the digests due and the
// events whose dispatch was lost. After is the slug of the last tenant it
// visited ("" to start): one that runs out of time (tenant.SweepBudget)
// queues its continuation, with the period it began in.
type ScheduleArgs struct {
	After string    `json:"after,omitempty"`
	Began time.Time `json:"began,omitempty"`
}

// Kind names the job.
func (ScheduleArgs) Kind() string { return "notify_schedule" }

// Worker does the notification jobs.
type Worker struct {
	Registry *tenant.Registry
	DB       *bun.DB
	Mail     mail.Sender
	I18n     *i18n.Bundle
	// Key signs unsubscribe links.
	Key    []byte
	Scheme string
	Zone   *time.Location
	// Client inserts follow-up jobs (set once the client exists).
	Client *jobs.Client
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Workers registers the workers of w.
func (w *Worker) Workers() *river.Workers {
	ws := river.NewWorkers()
	river.AddWorker(ws, river.WorkFunc(w.fanout))
	river.AddWorker(ws, river.WorkFunc(w.digest))
	river.AddWorker(ws, river.WorkFunc(w.schedule))
	return ws
}

// Periodic is the schedule: every quarter of an hour.
func (w *Worker) Periodic() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(15*time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return ScheduleArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
}

var unique = &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}

// Dispatch queues the fan-out of an event of the tenant in ctx (after the
// publishing transaction committed). A failure is logged by the caller;
// the schedule picks up events left behind.
func (w *Worker) Dispatch(ctx context.Context, slug string, eventID int64) error {
	if w == nil || w.Client == nil {
		return nil
	}
	_, err := w.Client.Insert(ctx, FanoutArgs{Tenant: slug, EventID: eventID}, unique)
	return err
}

func (w *Worker) inTenant(ctx context.Context, slug string, fn func(ctx context.Context, t *tenant.Tenant, tx bun.Tx) error) error {
	t, err := w.Registry.Get(ctx, slug)
	if errors.Is(err, tenant.ErrNotFound) {
		return nil // the tenant is gone: nothing to do
	}
	if err != nil {
		return err
	}
	if t.Status != tenant.StatusActive {
		return nil
	}
	return w.inTenantOf(ctx, t, fn)
}

// inTenantOf runs fn in a transaction of t, already read (a sweep's list).
func (w *Worker) inTenantOf(ctx context.Context, t *tenant.Tenant, fn func(ctx context.Context, t *tenant.Tenant, tx bun.Tx) error) error {
	return db.InTenant(ctx, w.DB, t.Scope(), func(ctx context.Context, tx bun.Tx) error { return fn(ctx, t, tx) })
}

func (w *Worker) fanout(ctx context.Context, job *river.Job[FanoutArgs]) error {
	var now []int64
	err := w.inTenant(ctx, job.Args.Tenant, func(ctx context.Context, _ *tenant.Tenant, tx bun.Tx) error {
		var err error
		now, err = notify.Fanout(ctx, tx, job.Args.EventID)
		return err
	})
	if err != nil {
		return err
	}
	for _, uid := range now {
		args := DigestArgs{Tenant: job.Args.Tenant, UserID: uid, Frequency: "immediate", Period: fmt.Sprintf("event-%d", job.Args.EventID)}
		if _, err := w.Client.Insert(ctx, args, unique); err != nil {
			return err
		}
	}
	return nil
}

// digest sends one person's digest once: the digest row, the items marked
// e-mailed and the mail sent go together (a failed send rolls back).
func (w *Worker) digest(ctx context.Context, job *river.Job[DigestArgs]) error {
	a := job.Args
	return w.inTenant(ctx, a.Tenant, func(ctx context.Context, t *tenant.Tenant, tx bun.Tx) error {
		u, err := auth.UserByID(ctx, tx, a.UserID)
		if errors.Is(err, auth.ErrUserNotFound) {
			return nil
		}
		if err != nil || u.Status != "active" {
			return err
		}
		notes, ok, err := notify.Claim(ctx, tx, u.ID, a.Frequency, a.Period)
		if err != nil || !ok || len(notes) == 0 {
			return err
		}
		return w.Mail.Send(ctx, w.message(t, u, a.Frequency, notes))
	})
}

// message writes the digest in the person's language.
func (w *Worker) message(t *tenant.Tenant, u *auth.User, frequency string, notes []notify.Note) mail.Message {
	lang := u.Locale
	if lang == "" {
		lang = t.Brand.Published.Language
	}
	if lang == "" {
		lang = "it"
	}
	base := t.URL(w.Scheme, w.Registry.DefaultHost(t.Slug), "")
	var b strings.Builder
	b.WriteString(w.I18n.For(lang).T("notification.mail.intro", "Site", t.Name, "Count", len(notes)) + "\n\n")
	for _, n := range notes {
		b.WriteString("- " + n.Text(w.I18n.For(lang)) + "\n  " + base + n.URL + "\n")
	}
	link := fmt.Sprintf("%s/notifications/unsubscribe?u=%d&t=%s", base, u.ID, notify.UnsubscribeToken(w.Key, t.ID, u.ID))
	b.WriteString("\n" + w.I18n.For(lang).T("notification.mail.unsubscribe", "Link", link) + "\n")
	return mail.Message{To: u.Email, Subject: w.I18n.For(lang).T("notification.mail.subject."+frequency, "Site", t.Name, "Count", len(notes)), Text: b.String()}
}

// schedule queues the digests due now and re-dispatches lost events, for
// every active tenant.
func (w *Worker) schedule(ctx context.Context, job *river.Job[ScheduleArgs]) error {
	ts, err := w.Registry.List(ctx)
	if err != nil {
		return err
	}
	now := w.now().In(w.Zone)
	if !job.Args.Began.IsZero() { // a continuation: the digests of the sweep's period
		now = job.Args.Began.In(w.Zone)
	}
	next, err := tenant.Sweep(ctx, ts, job.Args.After, tenant.SweepBudget, func(t *tenant.Tenant) error {
		var inserts []river.InsertManyParams
		err := w.inTenantOf(ctx, t, func(ctx context.Context, _ *tenant.Tenant, tx bun.Tx) error {
			lost, err := notify.Pending(ctx, tx, 5*time.Minute, 1000)
			if err != nil {
				return err
			}
			for _, id := range lost {
				inserts = append(inserts, river.InsertManyParams{Args: FanoutArgs{Tenant: t.Slug, EventID: id}, InsertOpts: unique})
			}
			for _, f := range []string{"daily", "weekly", "monthly"} {
				if !due(f, now) {
					continue
				}
				users, err := notify.Due(ctx, tx, f)
				if err != nil {
					return err
				}
				for _, uid := range users {
					inserts = append(inserts, river.InsertManyParams{Args: DigestArgs{Tenant: t.Slug, UserID: uid, Frequency: f,
						Period: notify.Period(f, now, w.Zone)}, InsertOpts: unique})
				}
			}
			return nil
		})
		if err != nil || len(inserts) == 0 {
			return err
		}
		_, err = w.Client.InsertMany(ctx, inserts)
		return err
	})
	if err != nil || next == "" {
		return err
	}
	_, err = w.Client.Insert(ctx, ScheduleArgs{After: next, Began: now}, nil)
	return err
}

// due says whether digests of frequency f go out at now: from seven in the
// morning, every day, on Mondays, on the first of the month.
func due(f string, now time.Time) bool {
	if now.Hour() < 7 {
		return false
	}
	switch f {
	case "daily":
		return true
	case "weekly":
		return now.Weekday() == time.Monday
	case "monthly":
		return now.Day() == 1
	}
	return false
}
