package proposal_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/proposal"
)

// TestClosingJob: publishing a proposal with a closing date queues its
// closing at that date; the job, queued while no worker runs and worked
// by a client started afterwards (a restart between scheduling and
// running), closes the proposal once, recording the step; run again, or
// for a date that has moved later, it changes nothing.
func TestClosingJob(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	validator := w.Browser(t, alpha, "validator")
	stop := w.StartJobs(t, time.Now)
	tomorrow := time.Now().AddDate(0, 0, 1).Format("2006-01-02")
	id := write(t, anna, alpha, "Chiude presto", url.Values{"closes_at": {tomorrow}, "action": {"submit"}})
	if code, _ := validator.Send(alpha+"/proposals", alpha+"/proposals/"+id+"/do/approve", nil); code != 303 {
		t.Fatal("approve")
	}
	var at time.Time
	err := w.DB.DB.QueryRowContext(context.Background(), `SELECT scheduled_at FROM piazza_jobs.river_job
		WHERE kind = 'proposal_close' AND args->>'tenant' = 'alpha' AND (args->>'proposal_id')::bigint = ?`, id).Scan(&at)
	if err != nil {
		t.Fatalf("no closing job queued at publication: %v", err)
	}
	closes := query[time.Time](t, w, "SELECT closes_at FROM proposals WHERE id = ?", id)
	if !at.Equal(closes) {
		t.Errorf("the job runs at %v, the proposal closes at %v", at, closes)
	}
	stop()

	// The date comes; the job is queued with no worker running, then a new
	// client starts.
	exec(t, w, "UPDATE proposals SET closes_at = now() - interval '1 minute' WHERE id = ?", id)
	due := query[time.Time](t, w, "SELECT closes_at FROM proposals WHERE id = ?", id)
	pid := query[int64](t, w, "SELECT ?::bigint", id)
	w.InsertJob(t, proposal.CloseArgs{Tenant: "alpha", ProposalID: pid, At: due.UTC()})
	// A second proposal whose date moved later than its job's.
	later := write(t, validator, alpha, "Prorogata", url.Values{"closes_at": {tomorrow}, "action": {"publish"}})
	lid := query[int64](t, w, "SELECT ?::bigint", later)
	w.InsertJob(t, proposal.CloseArgs{Tenant: "alpha", ProposalID: lid, At: time.Now().Add(-time.Hour).UTC()})
	if s := state(t, w, "proposals", id); s != "published" {
		t.Fatalf("closed before any worker ran: %s", s)
	}
	w.StartJobs(t, time.Now)
	deadline := time.Now().Add(10 * time.Second)
	for state(t, w, "proposals", id) != "closed" {
		if time.Now().After(deadline) {
			t.Fatal("the job did not close the proposal after the restart")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Queued again (the sweep, a duplicate): nothing more happens.
	w.InsertJob(t, proposal.CloseArgs{Tenant: "alpha", ProposalID: pid, At: due.UTC().Add(time.Second)})
	time.Sleep(1500 * time.Millisecond)
	if n := query[int](t, w, "SELECT count(*) FROM workflow_history WHERE content_type = 'proposal' AND item_id = ? AND action = 'close'", id); n != 1 {
		t.Errorf("closed %d times", n)
	}
	if s := state(t, w, "proposals", later); s != "published" {
		t.Errorf("a job of an earlier date closed a proposal whose date moved: %s", s)
	}
	if code, page := w.Browser(t, alpha, "bruno").Get(alpha + "/proposals/" + id); code != 200 || !contains(page, `id="closed-help"`) {
		t.Errorf("the closed proposal is not readable as closed: %d", code)
	}
}
