package exchange_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestInterestCrossing: an expression of interest from beta's member
// arrives in alpha's proposer's "my activities" and the proposal's page,
// naming the respondent, their organisation and their tenant, and nowhere
// else (not in beta's schema); the proposer is notified and evaluates it as
// a local one; sent twice it arrives once; the respondent sees it
// delivered.
func TestInterestCrossing(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	optIn(t, w, alpha, "join")
	optIn(t, w, beta, "join")
	anna, bruno := w.Browser(t, alpha, "anna"), w.Browser(t, beta, "bruno")
	id := publish(t, w, "Bioplastiche", nil)
	shareIt(t, anna, id, "share")
	waitFor(t, bruno, beta+"/exchange", "beta sees the proposal", listed("Bioplastiche"))
	_, page := bruno.Get(beta + "/exchange")
	sid := opportunityRE.FindStringSubmatch(page)[1]
	// Bruno's organisation at beta.
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
		var org int64
		if err := tx.QueryRowContext(ctx, "INSERT INTO organizations (name) VALUES ('Laboratori Beta Srl') RETURNING id").Scan(&org); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO organization_members (organization_id, user_id, state) VALUES (?, ?, 'active')", org, w.ID("beta", "bruno"))
		return err
	})
	_, page = bruno.Get(beta + "/exchange/" + sid)
	if !strings.Contains(page, "Comune di Alpha") || !strings.Contains(page, "Laboratori Beta Srl") {
		t.Fatal("the opportunity's page does not name its tenant or offer bruno's organisation")
	}
	orgID := in[int64](t, w, w.B, "SELECT id FROM organizations WHERE name = 'Laboratori Beta Srl'")
	// An organisation not his is refused, an empty offer too.
	for _, f := range []url.Values{{"offer": {"Offro"}, "organization_id": {itoa(orgID + 100)}}, {"offer": {"  "}}} {
		if code, _ := bruno.Send(beta+"/exchange/"+sid, beta+"/exchange/"+sid+"/interest", f); code != 422 {
			t.Errorf("interest %v: %d, want 422", f, code)
		}
	}
	form := url.Values{"offer": {"Offriamo un impianto pilota"}, "organization_id": {itoa(orgID)}}
	if code, _ := bruno.Send(beta+"/exchange/"+sid, beta+"/exchange/"+sid+"/interest", form); code != 303 {
		t.Fatalf("interest: %d", code)
	}
	if code, _ := bruno.Send(beta+"/exchange/"+sid, beta+"/exchange/"+sid+"/interest", form); code != 303 {
		t.Fatalf("interest again: %d", code)
	}
	waitFor(t, anna, alpha+"/dashboard/inbox", "the interest in anna's inbox", func(code int, page string) bool {
		return code == 200 && strings.Contains(page, "Bruno (Comune di Beta)")
	})
	if n := in[int](t, w, w.A, "SELECT count(*) FROM proposal_interests WHERE proposal_id = ?", id); n != 1 {
		t.Errorf("%d expressions in alpha, want 1", n)
	}
	if n := in[int](t, w, w.B, "SELECT count(*) FROM proposal_interests"); n != 0 {
		t.Errorf("%d expressions landed in beta", n)
	}
	iid := in[int64](t, w, w.A, "SELECT id FROM proposal_interests WHERE proposal_id = ?", id)
	_, page = anna.Get(alpha + "/proposals/interests/" + itoa(iid))
	for _, want := range []string{"Bruno", "Laboratori Beta Srl", "Comune di Beta", "Offriamo un impianto pilota"} {
		if !strings.Contains(page, want) {
			t.Errorf("the expression's page lacks %q", want)
		}
	}
	if n := in[int](t, w, w.A, "SELECT count(*) FROM events WHERE recipient_id = ? AND message = 'proposal.notify.received'", w.ID("alpha", "anna")); n != 1 {
		t.Errorf("anna was told %d times", n)
	}
	// Only the proposer (and facilitators) read it; another member does not.
	if code, _ := w.Browser(t, alpha, "carla").Get(alpha + "/proposals/interests/" + itoa(iid)); code != 404 {
		t.Errorf("another member reads the external expression: %d", code)
	}
	if code, _ := anna.Send(alpha+"/proposals/interests/"+itoa(iid), alpha+"/proposals/interests/"+itoa(iid)+"/do/relevant", url.Values{"note": {"Ottimo"}}); code != 303 {
		t.Fatalf("evaluate: %d", code)
	}
	if s := in[string](t, w, w.A, "SELECT state FROM proposal_interests WHERE id = ?", iid); s != "relevant" {
		t.Errorf("state %s after evaluation", s)
	}
	_, page = bruno.Get(beta + "/exchange/" + sid)
	if !strings.Contains(page, `id="my-interest"`) || strings.Contains(page, `id="send-interest"`) {
		t.Error("bruno's page does not show his interest sent")
	}
	if s := control[string](t, w, "SELECT state FROM piazza.exchange_mailbox"); s != "delivered" {
		t.Errorf("the letter is %s", s)
	}
	// Delivered again (a crash before it was marked): nothing more.
	if _, err := w.DB.DB.ExecContext(context.Background(), "UPDATE piazza.exchange_mailbox SET state = 'pending'"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for control[string](t, w, "SELECT state FROM piazza.exchange_mailbox") == "pending" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if n := in[int](t, w, w.A, "SELECT count(*) FROM proposal_interests WHERE proposal_id = ?", id); n != 1 {
		t.Errorf("%d expressions after a second delivery", n)
	}
}
