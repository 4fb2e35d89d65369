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

// respondent makes name of beta read in English and be told at once.
func respondent(t *testing.T, w *moduletest.World, name string) {
	t.Helper()
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET locale = 'en' WHERE id = ?", w.ID("beta", name)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO profiles (user_id, notify_frequency) VALUES (?0, 'immediate')
			ON CONFLICT (user_id) DO UPDATE SET notify_frequency = 'immediate'`, w.ID("beta", name))
		return err
	})
}

// mailTo waits (fifteen seconds at most) for an e-mail to the address of
// name of beta whose text holds want.
func mailTo(t *testing.T, w *moduletest.World, name, want string) {
	t.Helper()
	to := in[string](t, w, w.B, "SELECT email FROM users WHERE id = ?", w.ID("beta", name))
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range w.SMTP.Messages() {
			if strings.EqualFold(m.To, to) && strings.Contains(m.Text, want) {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no e-mail to %s says %q", to, want)
}

// interestFrom sends b's expression of interest in opportunity sid.
func interestFrom(t *testing.T, b *moduletest.Browser, sid, offer string) {
	t.Helper()
	if code, _ := b.Send(beta+"/exchange/"+sid, beta+"/exchange/"+sid+"/interest", url.Values{"offer": {offer}}); code != 303 {
		t.Fatalf("interest: %d", code)
	}
}

// replied: the opportunity's page shows the latest evaluation as state,
// with note.
func replied(state, note string) func(int, string) bool {
	return func(code int, page string) bool {
		i := strings.Index(page, `id="reply-latest"`)
		return code == 200 && i >= 0 && strings.Contains(page[i:], state) && strings.Contains(page[i:], note)
	}
}

// TestReplyProposal: when alpha's proposer judges beta's member's
// expression relevant with a note, the member is told in beta, in their
// language and at their frequency (an e-mail at once), and their
// opportunity's page shows "relevant" with the note; another respondent of
// beta, whose expression waits, is told nothing and sees no evaluation;
// nobody at alpha is told by the exchange.
func TestReplyProposal(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	optIn(t, w, alpha, "join")
	optIn(t, w, beta, "join")
	respondent(t, w, "bruno")
	respondent(t, w, "dario")
	anna, bruno, dario := w.Browser(t, alpha, "anna"), w.Browser(t, beta, "bruno"), w.Browser(t, beta, "dario")
	id := publish(t, w, "Bioplastiche marine", nil)
	shareIt(t, anna, id, "share")
	waitFor(t, bruno, beta+"/exchange", "beta sees the proposal", listed("Bioplastiche marine"))
	sid := itoa(control[int64](t, w, "SELECT id FROM piazza.exchange_snapshots"))
	interestFrom(t, bruno, sid, "Offriamo alghe")
	interestFrom(t, dario, sid, "Offriamo reti")
	waitFor(t, anna, alpha+"/dashboard/inbox", "both interests at alpha", func(code int, page string) bool {
		return code == 200 && strings.Contains(page, "Bruno (Comune di Beta)") && strings.Contains(page, "Dario (Comune di Beta)")
	})
	iid := itoa(in[int64](t, w, w.A, "SELECT id FROM proposal_interests WHERE external_name = 'Bruno'"))
	// Not the proposer: no evaluation, nothing replied.
	if code, _ := w.Browser(t, alpha, "carla").Send(alpha+"/proposals", alpha+"/proposals/interests/"+iid+"/do/relevant", url.Values{"note": {"Intruso"}}); code != 404 && code != 403 {
		t.Errorf("another member evaluates the expression: %d", code)
	}
	note := "Ottimo: vi scriviamo entro venerdì"
	if code, _ := anna.Send(alpha+"/proposals/interests/"+iid, alpha+"/proposals/interests/"+iid+"/do/relevant", url.Values{"note": {note}}); code != 303 {
		t.Fatalf("evaluate: %d", code)
	}
	waitFor(t, bruno, beta+"/exchange/"+sid, "bruno sees the evaluation", replied("Judged relevant", note))
	mailTo(t, w, "bruno", "has been judged relevant")
	told := func(tn string, name string) int {
		target := w.B
		if tn == "alpha" {
			target = w.A
		}
		return in[int](t, w, target, "SELECT count(*) FROM events WHERE recipient_id = ? AND message LIKE 'exchange.notify.%'", w.ID(tn, name))
	}
	if n := told("beta", "bruno"); n != 1 {
		t.Errorf("bruno was told %d times", n)
	}
	if n := in[int](t, w, w.B, "SELECT count(*) FROM events WHERE message LIKE 'exchange.notify.%' AND url = ? AND title = 'Bioplastiche marine'", "/exchange/"+sid); n != 1 {
		t.Errorf("%d notifications of the evaluation in beta, want bruno's alone", n)
	}
	if n := in[int](t, w, w.A, "SELECT count(*) FROM events WHERE message LIKE 'exchange.notify.%'"); n != 0 {
		t.Errorf("%d notifications of the exchange's replies at alpha", n)
	}
	_, page := dario.Get(beta + "/exchange/" + sid)
	if strings.Contains(page, `id="reply-latest"`) || strings.Contains(page, note) {
		t.Error("dario, whose expression waits, sees bruno's evaluation")
	}
	if n := control[int](t, w, "SELECT count(*) FROM piazza.exchange_replies WHERE state = 'relevant' AND note = ? AND delivery = 'delivered'", note); n != 1 {
		t.Errorf("%d replies delivered, want 1", n)
	}
	if n := in[int](t, w, w.A, "SELECT count(*) FROM exchange_reply_outbox WHERE done_at IS NULL"); n != 0 {
		t.Errorf("%d replies left in alpha's outbox", n)
	}
	// Copied again (a crash before the outbox was marked): one reply.
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE exchange_reply_outbox SET done_at = NULL")
		return err
	})
	deadline := time.Now().Add(15 * time.Second)
	for in[int](t, w, w.A, "SELECT count(*) FROM exchange_reply_outbox WHERE done_at IS NULL") != 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if n := control[int](t, w, "SELECT count(*) FROM piazza.exchange_replies"); n != 1 {
		t.Errorf("%d replies after a second copy", n)
	}
}

// TestReplyPartnership: each step alpha's advisor takes on beta's
// member's interest in a shared profile reaches the member in beta (told
// each time, in English), whose opportunity's page shows the latest with
// its note.
func TestReplyPartnership(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	respondent(t, w, "bruno")
	_, sid := sharedProfile(t, w)
	carla, bruno := w.Browser(t, alpha, "carla"), w.Browser(t, beta, "bruno")
	interestFrom(t, bruno, sid, "Integriamo staffe")
	waitFor(t, carla, alpha+"/dashboard/inbox", "the interest at alpha", listed("Bruno (Comune di Beta)"))
	iid := itoa(in[int64](t, w, w.A, "SELECT id FROM partnership_interests WHERE external_name = 'Bruno'"))
	for _, s := range []struct{ action, note, shown string }{
		{"take_over", "", "Taken over by an EEN advisor"},
		{"request_info", "Quanti pezzi ogni anno?", "Information requested"},
		{"agree", "Accordo firmato", "Agreement reached"},
	} {
		if code, _ := carla.Send(alpha+"/partnerships/interests/"+iid, alpha+"/partnerships/interests/"+iid+"/do/"+s.action, url.Values{"note": {s.note}}); code != 303 {
			t.Fatalf("%s: %d", s.action, code)
		}
		waitFor(t, bruno, beta+"/exchange/"+sid, "bruno sees "+s.action, replied(s.shown, s.note))
	}
	mailTo(t, w, "bruno", "needs information on your interest")
	if n := in[int](t, w, w.B, "SELECT count(*) FROM events WHERE recipient_id = ? AND message LIKE 'exchange.notify.partnership.%'", w.ID("beta", "bruno")); n != 3 {
		t.Errorf("bruno was told %d times, want 3", n)
	}
	if n := in[int](t, w, w.B, "SELECT count(*) FROM events WHERE recipient_id <> ? AND message LIKE 'exchange.notify.%'", w.ID("beta", "bruno")); n != 0 {
		t.Errorf("%d others told in beta", n)
	}
	_, page := bruno.Get(beta + "/exchange/" + sid)
	if !strings.Contains(page, "Quanti pezzi ogni anno?") {
		t.Error("the earlier step's note is not in the history of answers")
	}
}
