package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// jobMetrics count and time the jobs this replica works.
type jobMetrics struct {
	runs     *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newJobMetrics(reg prometheus.Registerer) jobMetrics {
	j := jobMetrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "job_runs_total",
			Help: "Jobs worked by this replica, by kind and outcome (ok, error: retried later or discarded, cancelled, snoozed).",
		}, []string{"kind", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "job_run_duration_seconds",
			Help:    "Time to work a job, by kind.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300},
		}, []string{"kind"}),
	}
	reg.MustRegister(j.runs, j.duration)
	return j
}

// Jobs is the River middleware that counts and times the jobs worked.
// Job kinds are the code's, a bounded set.
func (m *Metrics) Jobs() rivertype.Middleware { return &jobMiddleware{m: m} }

// Middleware is Jobs as jobs.Config.Middleware takes it.
func (m *Metrics) Middleware() []rivertype.Middleware { return []rivertype.Middleware{m.Jobs()} }

type jobMiddleware struct {
	river.MiddlewareDefaults
	m *Metrics
}

func (j *jobMiddleware) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	start := time.Now()
	err := doInner(ctx)
	j.m.jobs.duration.WithLabelValues(job.Kind).Observe(time.Since(start).Seconds())
	j.m.jobs.runs.WithLabelValues(job.Kind, jobOutcome(err)).Inc()
	return err
}

// jobOutcome names how a job's work ended.
func jobOutcome(err error) string {
	var cancel *rivertype.JobCancelError
	var snooze *rivertype.JobSnoozeError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &cancel):
		return "cancelled"
	case errors.As(err, &snooze):
		return "snoozed"
	}
	return "error"
}
