package notification_test

import (
	"context"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/notification"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/platform/mail/mailtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, notification.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

func publish(t *testing.T, b *moduletest.Browser, title string, form url.Values) {
	t.Helper()
	form.Set("title", title)
	form.Set("language", "it")
	if form.Get("action") == "" {
		form.Set("action", "publish")
	}
	if form.Get("scope_kind") == "" {
		form.Set("scope_kind", "tenant")
	}
	res, body := b.Post(alpha+"/news/new", alpha+"/news", form)
	if res.StatusCode != 303 {
		t.Fatalf("publish %q: %d %s", title, res.StatusCode, body)
	}
	lastNews = res.Header.Get("Location")
}

// lastNews is where the last item written is.
var lastNews string

// waitFor polls the tenant until cond holds (jobs run in the background).
func waitFor(t *testing.T, w *moduletest.World, what string, cond func(ctx context.Context, tx bun.Tx) (bool, error)) {
	t.Helper()
	for range 200 {
		ok := false
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			var err error
			ok, err = cond(ctx, tx)
			return err
		})
		if ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func count(q string, args ...any) func(ctx context.Context, tx bun.Tx) (int, error) {
	return func(ctx context.Context, tx bun.Tx) (int, error) {
		var n int
		err := tx.QueryRowContext(ctx, q, args...).Scan(&n)
		return n, err
	}
}

// schedule runs the digest schedule once and waits for its jobs.
func schedule(t *testing.T, w *moduletest.World) {
	t.Helper()
	if _, err := w.Worker.Client.Insert(context.Background(), notification.ScheduleArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
}

func mailsTo(s *mailtest.Server, to string) []mailtest.Message {
	var out []mailtest.Message
	for _, m := range s.Messages() {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

// TestDailyDigest: the bell counts what is new for a member; the daily
// digest carries exactly the in-scope items since the last one, once per
// day, over a real SMTP exchange; its unsubscribe link works signed out.
func TestDailyDigest(t *testing.T) {
	w := moduletest.New(t)
	clock := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	w.StartJobs(t, func() time.Time { return clock })
	validator := w.Browser(t, alpha, "validator")
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	if code, _ := bruno.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {"Bruno"}, "notify_frequency": {"daily"}, "themes": {"health"}}); code != 303 {
		t.Fatal(code)
	}
	if code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Gruppo chiuso"}, "kind": {"closed"}}); code != 303 {
		t.Fatal(code)
	}
	var cid string
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT id::text FROM communities").Scan(&cid)
	})
	publish(t, validator, "Uno per tutti", url.Values{})
	publish(t, validator, "Per chi segue la salute", url.Values{"scope_kind": {"interests"}, "scope_themes": {"health"}})
	publish(t, validator, "Per chi segue l'aerospazio", url.Values{"scope_kind": {"interests"}, "scope_themes": {"aerospace"}})
	publish(t, anna, "Solo per il gruppo chiuso", url.Values{"scope_kind": {"communities"}, "scope_communities": {cid}})
	publish(t, bruno, "Scritto da Bruno", url.Values{"action": {"submit"}})
	if code, _ := validator.Send(alpha+"/news", alpha+strings.TrimSuffix(lastNews, "?done=1")+"/do/approve", nil); code != 303 {
		t.Fatalf("approve bruno's item: %d", code)
	}
	bid := w.ID("alpha", "bruno")
	waitFor(t, w, "the fan-out", func(ctx context.Context, tx bun.Tx) (bool, error) {
		n, err := count("SELECT count(*) FROM events WHERE dispatched_at IS NULL")(ctx, tx)
		return n == 0, err
	})
	if _, page := bruno.Get(alpha + "/notifications"); !strings.Contains(page, "Uno per tutti") || !strings.Contains(page, `<span class="badge bg-danger">2</span>`) {
		t.Errorf("the bell or the list is wrong for bruno")
	}
	schedule(t, w)
	got := mailsTo(w.SMTP, "bruno@alpha.example")
	if len(got) != 1 {
		t.Fatalf("bruno got %d digests, want 1", len(got))
	}
	d := got[0]
	for _, want := range []string{"Uno per tutti", "Per chi segue la salute", "/news/"} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("the digest lacks %q:\n%s", want, d.Text)
		}
	}
	for _, never := range []string{"aerospazio", "gruppo chiuso", "Scritto da Bruno"} {
		if strings.Contains(d.Text, never) {
			t.Errorf("the digest carries an out-of-scope or own item %q", never)
		}
	}
	// The same day again: nothing more, even with a new item.
	publish(t, validator, "Seconda uscita", url.Values{})
	time.Sleep(500 * time.Millisecond)
	schedule(t, w)
	if n := len(mailsTo(w.SMTP, "bruno@alpha.example")); n != 1 {
		t.Errorf("a second digest the same day: %d mails", n)
	}
	// The next day: only what came since the last digest.
	clock = clock.Add(24 * time.Hour)
	schedule(t, w)
	got = mailsTo(w.SMTP, "bruno@alpha.example")
	if len(got) != 2 || !strings.Contains(got[1].Text, "Seconda uscita") || strings.Contains(got[1].Text, "Uno per tutti") {
		t.Fatalf("the next day's digest: %d mails", len(got))
	}
	// Unsubscribe from the link, signed out.
	link := regexp.MustCompile(`http://alpha\.piazza\.test(/notifications/unsubscribe\?u=\d+&t=[A-Za-z0-9_-]+)`).FindStringSubmatch(got[1].Text)
	if link == nil {
		t.Fatalf("no unsubscribe link in:\n%s", got[1].Text)
	}
	guest := w.Browser(t, alpha, "")
	if code, _ := guest.Get(alpha + link[1] + "x"); code != 404 {
		t.Errorf("a forged link: %d", code)
	}
	if code, _ := w.Browser(t, beta, "").Get(beta + link[1]); code != 404 {
		t.Errorf("alpha's link at beta: %d", code)
	}
	u, _ := url.Parse(link[1])
	if code, page := guest.Send(alpha+link[1], alpha+"/notifications/unsubscribe", url.Values{"u": {u.Query().Get("u")}, "t": {u.Query().Get("t")}}); code != 200 || !strings.Contains(page, "non riceverai più") {
		t.Errorf("unsubscribe: %d", code)
	}
	var freq string
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT notify_frequency FROM profiles WHERE user_id = ?", bid).Scan(&freq)
	})
	if freq != "off" {
		t.Errorf("frequency after unsubscribing: %s", freq)
	}
	// beta's people were told nothing, in the bell or by mail.
	betaBruno := w.Browser(t, beta, "bruno")
	if _, page := betaBruno.Get(beta + "/notifications"); strings.Contains(page, "Uno per tutti") || strings.Contains(page, "bg-danger") {
		t.Error("beta's member has alpha's notifications")
	}
	// Marking all read: beta's member of the same id, at beta or posting to
	// alpha, leaves alpha's bell alone; alpha's member empties it.
	if w.ID("alpha", "bruno") != w.ID("beta", "bruno") {
		t.Fatal("the test needs a member of the same id in both tenants")
	}
	badge := regexp.MustCompile(`<span class="badge bg-danger">\d+</span>`)
	_, page := bruno.Get(alpha + "/notifications")
	unread := badge.FindString(page)
	if unread == "" {
		t.Fatal("alpha's member has nothing unread to mark")
	}
	if code, _ := betaBruno.Send(beta+"/notifications", beta+"/notifications/read", nil); code != 303 {
		t.Errorf("beta's member marks read at beta: %d", code)
	}
	if code, _ := betaBruno.Send(beta+"/notifications", alpha+"/notifications/read", nil); code == 303 {
		t.Error("beta's member marked notifications read at alpha")
	}
	if _, page := bruno.Get(alpha + "/notifications"); badge.FindString(page) != unread {
		t.Errorf("alpha's bell changed by beta's member: %q, was %q", badge.FindString(page), unread)
	}
	if code, _ := bruno.Send(alpha+"/notifications", alpha+"/notifications/read", nil); code != 303 {
		t.Fatalf("mark read: %d", code)
	}
	if _, page := bruno.Get(alpha + "/notifications"); strings.Contains(page, "bg-danger") || !strings.Contains(page, "Uno per tutti") {
		t.Error("marked read: the bell still counts, or the list lost its notes")
	}
	for _, m := range w.SMTP.Messages() {
		if strings.HasSuffix(m.To, "@beta.example") {
			t.Errorf("a beta member got alpha's mail: %s", m.To)
		}
	}
}

// TestDigestSurvivesRestart: a digest queued while no worker runs (between
// scheduling and sending) is sent once the workers are back; queued twice,
// it is sent once; claimed twice, the second claim finds it sent.
func TestDigestSurvivesRestart(t *testing.T) {
	w := moduletest.New(t)
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	stop := w.StartJobs(t, func() time.Time { return clock })
	publish(t, w.Browser(t, alpha, "validator"), "Avviso importante", url.Values{})
	carla := w.ID("alpha", "carla")
	waitFor(t, w, "the fan-out", func(ctx context.Context, tx bun.Tx) (bool, error) {
		n, err := count("SELECT count(*) FROM notifications WHERE user_id = ?", carla)(ctx, tx)
		return n == 1, err
	})
	stop() // the server goes down …
	args := notification.DigestArgs{Tenant: "alpha", UserID: carla, Frequency: "daily", Period: "2026-11-23"}
	w.InsertJob(t, args) // … after the schedule queued the digest
	w.InsertJob(t, args) // (and queued it again)
	time.Sleep(300 * time.Millisecond)
	if n := len(mailsTo(w.SMTP, "carla@alpha.example")); n != 0 {
		t.Fatalf("a digest went out with no worker running: %d", n)
	}
	var queued int
	if err := w.DB.Admin(t).QueryRow(context.Background(), "SELECT count(*) FROM piazza_jobs.river_job WHERE kind = 'notify_digest'").Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if queued != 1 {
		t.Errorf("%d digest jobs queued, want 1", queued)
	}
	w.StartJobs(t, func() time.Time { return clock }) // … and comes back
	waitFor(t, w, "the digest", func(ctx context.Context, tx bun.Tx) (bool, error) {
		n, err := count("SELECT count(*) FROM digests WHERE user_id = ?", carla)(ctx, tx)
		return n == 1, err
	})
	time.Sleep(500 * time.Millisecond)
	got := mailsTo(w.SMTP, "carla@alpha.example")
	if len(got) != 1 || !strings.Contains(got[0].Text, "Avviso importante") {
		t.Fatalf("carla got %d digests, want 1", len(got))
	}
	// The job run once more (a retry after a crash) sends nothing.
	if _, err := w.DB.Admin(t).Exec(context.Background(), "DELETE FROM piazza_jobs.river_job WHERE kind = 'notify_digest'"); err != nil {
		t.Fatal(err)
	}
	w.InsertJob(t, args)
	time.Sleep(1 * time.Second)
	if n := len(mailsTo(w.SMTP, "carla@alpha.example")); n != 1 {
		t.Errorf("a rerun sent the digest again: %d mails", n)
	}
}

// TestCommunityOverride: a member's frequency for one community wins over
// their profile's: at once for carla, never for dario.
func TestCommunityOverride(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) })
	anna := w.Browser(t, alpha, "anna")
	if code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Protezione civile"}, "kind": {"open"}}); code != 303 {
		t.Fatal(code)
	}
	var cid string
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT id::text FROM communities").Scan(&cid)
	})
	for name, f := range map[string]string{"carla": "immediate", "dario": "off"} {
		b := w.Browser(t, alpha, name)
		if code, _ := b.Send(alpha+"/communities", alpha+"/communities/"+cid+"/join", nil); code != 303 {
			t.Fatal(code)
		}
		if code, _ := b.Send(alpha+"/communities/"+cid, alpha+"/communities/"+cid+"/frequency", url.Values{"frequency": {f}}); code != 303 {
			t.Fatalf("%s sets %s: %d", name, f, code)
		}
	}
	if code, _ := w.Browser(t, alpha, "bruno").Send(alpha+"/communities", alpha+"/communities/"+cid+"/frequency", url.Values{"frequency": {"immediate"}}); code != 404 {
		t.Errorf("a non-member sets a frequency: %d", code)
	}
	publish(t, anna, "Allerta meteo", url.Values{"scope_kind": {"communities"}, "scope_communities": {cid}})
	mailed := func() bool {
		return len(mailsTo(w.SMTP, "carla@alpha.example")) == 1
	}
	for i := 0; i < 100 && !mailed(); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	got := mailsTo(w.SMTP, "carla@alpha.example")
	if len(got) != 1 || !strings.Contains(got[0].Text, "Allerta meteo") {
		t.Fatalf("carla's immediate mail: %d", len(got))
	}
	var freq string
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT frequency FROM notifications WHERE user_id = ?", w.ID("alpha", "dario")).Scan(&freq)
	})
	if freq != "off" {
		t.Errorf("dario's notification frequency: %q", freq)
	}
}
