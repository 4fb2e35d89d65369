package proposal_test

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/proposal"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// profile gives alpha's member name a profile in health with the
// competencies (an SQL array) and the frequency of notifications.
func profile(t *testing.T, w *moduletest.World, name, competencies, frequency string) {
	t.Helper()
	exec(t, w, `INSERT INTO profiles (user_id, themes, competencies, notify_frequency) VALUES (?, '{health}', ?, ?)`,
		w.ID("alpha", name), competencies, frequency)
}

// panel is the matching panel of the proposal's page ("" when there is
// none).
func panel(page string) string {
	i := strings.Index(page, `id="match"`)
	if i < 0 {
		return ""
	}
	return page[i : i+strings.Index(page[i:], "</section>")]
}

// matchingWorld is alpha with a published proposal of Anna's on
// telemedicine, Carla's expression of interest in it, and who could be
// interested: Bruno (English, told at once), Dario and his organisation,
// the validator. It returns the proposal's id.
func matchingWorld(t *testing.T, w *moduletest.World) string {
	t.Helper()
	for name, freq := range map[string]string{"bruno": "immediate", "carla": "daily", "dario": "daily", "validator": "daily"} {
		profile(t, w, name, "{telemedicina,dispositivi medici}", freq)
	}
	exec(t, w, "UPDATE users SET locale = 'en' WHERE id = ?", w.ID("alpha", "bruno"))
	dario := w.Browser(t, alpha, "dario")
	if res, body := dario.Post(alpha+"/organizations/new", alpha+"/organizations", url.Values{"name": {"Ospedale Digitale"},
		"themes": {"health"}, "competencies": {"telemedicina"}, "description": {"Cure a distanza."}}); res.StatusCode != 303 {
		t.Fatalf("organisation: %d %.300s", res.StatusCode, body)
	}
	id := write(t, w.Browser(t, alpha, "validator"), alpha, "Telemedicina per i piccoli comuni", url.Values{"action": {"publish"},
		"body": {"Cerchiamo partner per la telemedicina nei comuni montani."}})
	exec(t, w, "UPDATE proposals SET author_id = ? WHERE id = ?", w.ID("alpha", "anna"), id)
	express(t, w.Browser(t, alpha, "carla"), id, "Abbiamo un ambulatorio.", "submit")
	return id
}

// TestMatchingPanel: the proposer and the facilitators see who could be
// interested in an open proposal — people and organisations with its
// theme and words, each with why, not those already involved (the
// proposer, a respondent), never someone its scope does not reach; no one
// else sees the panel, and it goes once the proposal closes.
func TestMatchingPanel(t *testing.T) {
	w := moduletest.New(t)
	id := matchingWorld(t, w)
	page := alpha + "/proposals/" + id
	anna := w.Browser(t, alpha, "anna")
	_, p := anna.Get(page)
	got := panel(p)
	for _, want := range []string{"Chi potrebbe essere interessato", ">Bruno</a>", ">Dario</a>", ">Validator</a>", ">Ospedale Digitale</a>",
		"tema in comune: Salute", "«telemedicina»", `action="/proposals/` + id + `/invite"`, `name="kind" value="organization"`} {
		if !strings.Contains(got, want) {
			t.Errorf("the proposer's panel lacks %s:\n%s", want, got)
		}
	}
	if !strings.Contains(p, "Tutti i membri del sito") {
		t.Error("the page does not say who may see the proposal")
	}
	for _, out := range []string{">Carla</a>", ">Anna</a>"} {
		if strings.Contains(got, out) {
			t.Errorf("the panel suggests %s, already involved", out)
		}
	}
	if _, p := w.Browser(t, alpha, "facilitator").Get(page); !strings.Contains(panel(p), ">Bruno</a>") {
		t.Error("a facilitator does not see the panel")
	}
	for _, who := range []string{"bruno", "carla", "validator", "admin", ""} { // a guest is not shown the proposal at all
		if code, p := w.Browser(t, alpha, who).Get(page); code != 200 && who != "" || panel(p) != "" || strings.Contains(p, "/invite") {
			t.Errorf("%q sees the panel (%d)", who, code)
		}
	}
	// For one community where Dario is, Bruno and the validator are not
	// suggested, and cannot be invited.
	if code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Sanità"}, "kind": {"open"}}); code != 303 {
		t.Fatal("community")
	}
	if code, _ := w.Browser(t, alpha, "dario").Send(alpha+"/communities/1", alpha+"/communities/1/join", nil); code != 303 {
		t.Fatal("join")
	}
	exec(t, w, "UPDATE proposals SET scope_kind = 'communities', scope_communities = '{1}' WHERE id = ?", id)
	_, p = anna.Get(page)
	if got := panel(p); strings.Contains(got, ">Bruno</a>") || strings.Contains(got, ">Validator</a>") || !strings.Contains(got, ">Dario</a>") {
		t.Errorf("the panel of a community's proposal:\n%s", got)
	}
	code, body := anna.Send(page, page+"/invite", url.Values{"kind": {"person"}, "id": {itoa(w.ID("alpha", "validator"))}})
	if code != 409 || !strings.Contains(body, "non è visibile") {
		t.Errorf("inviting someone the scope does not reach: %d", code)
	}
	if code, _ := anna.Send(page, page+"/do/close", nil); code != 303 {
		t.Fatal("close")
	}
	if _, p := anna.Get(page); panel(p) != "" {
		t.Error("a closed proposal still shows the panel")
	}
	if code, _ := anna.Send(page, page+"/invite", url.Values{"kind": {"person"}, "id": {itoa(w.ID("alpha", "dario"))}}); code != 409 {
		t.Errorf("an invitation to a closed proposal: %d", code)
	}
	if n := query[int](t, w, "SELECT count(*) FROM proposal_invitations"); n != 0 {
		t.Errorf("refused invitations wrote %d", n)
	}
}

// TestInvite: the proposer invites a person in one click (in place with
// htmx), who is told in their language with the proposal's link, once: a
// second invitation is refused politely and tells no one; a facilitator
// invites an organisation, whose referent is told; nobody else may
// invite; someone involved, of another tenant, hidden or of no kind
// cannot be invited, and a refusal writes nothing.
func TestInvite(t *testing.T) {
	w := moduletest.New(t)
	id := matchingWorld(t, w)
	w.StartJobs(t, time.Now)
	page, invite := alpha+"/proposals/"+id, alpha+"/proposals/"+id+"/invite"
	anna := w.Browser(t, alpha, "anna")
	bruno := url.Values{"kind": {"person"}, "id": {itoa(w.ID("alpha", "bruno"))}}
	res, body := anna.HX(page, invite, maps.Clone(bruno))
	if res.StatusCode != 200 || !strings.Contains(body, `role="status"`) || !strings.Contains(body, "Invito inviato") {
		t.Fatalf("invite in place: %d %s", res.StatusCode, body)
	}
	mail := w.SMTP.Wait(t, "bruno@alpha.example")
	if !strings.Contains(mail.Text, "You are invited to read the proposal “Telemedicina per i piccoli comuni”") ||
		!strings.Contains(mail.Text, "http://alpha.piazza.test/proposals/"+id) {
		t.Errorf("Bruno's mail is not in English with the link:\n%s", mail.Text)
	}
	if _, p := w.Browser(t, alpha, "bruno").Get(alpha + "/notifications"); !strings.Contains(p, "You are invited to read the proposal") ||
		!strings.Contains(p, `href="/proposals/`+id+`"`) {
		t.Error("Bruno's notifications lack the invitation with its link")
	}
	code, body := anna.Send(page, invite, maps.Clone(bruno))
	if code != 409 || !strings.Contains(body, "Invito già inviato") {
		t.Errorf("a second invitation: %d", code)
	}
	if _, p := anna.Get(page); !strings.Contains(panel(p), `<div id="invite-person-`+bruno.Get("id")+`" aria-live="polite"><span class="badge bg-success">Invito inviato</span>`) {
		t.Errorf("the panel does not say Bruno was invited:\n%s", panel(p))
	}
	told := func(name, message string) int {
		return query[int](t, w, "SELECT count(*) FROM events WHERE recipient_id = ? AND message = ?", w.ID("alpha", name), message)
	}
	if n := told("bruno", "proposal.notify.invited"); n != 1 {
		t.Errorf("Bruno was told %d times", n)
	}
	org := query[int64](t, w, "SELECT id FROM organizations WHERE name = 'Ospedale Digitale'")
	if res, _ := w.Browser(t, alpha, "facilitator").Post(page, invite, url.Values{"kind": {"organization"}, "id": {itoa(org)}}); res.StatusCode != 303 ||
		res.Header.Get("Location") != "/proposals/"+id+"?done=1#match" {
		t.Errorf("a facilitator invites the organisation: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if told("dario", "proposal.notify.invited_organization") != 1 {
		t.Error("the organisation's referent was not told")
	}
	refusals(t, w, id)
}

// refusals: of proposal id, nobody but the proposer and the facilitators
// invites; someone involved, another tenant's, hidden or of no kind is
// not invited; another tenant's members reach nothing; nothing is written.
func refusals(t *testing.T, w *moduletest.World, id string) {
	t.Helper()
	page, invite := alpha+"/proposals/"+id, alpha+"/proposals/"+id+"/invite"
	// Zeno is beta's only, Ivo invited to alpha but not yet signed up.
	var betaOnly, invited int64
	w.In(t, w.B, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO users (email, display_name) VALUES ('zeno@beta.example', 'Zeno') RETURNING id`).Scan(&betaOnly)
	})
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO users (email, display_name, status) VALUES ('ivo@alpha.example', 'Ivo', 'invited') RETURNING id`).Scan(&invited)
	})
	exec(t, w, `INSERT INTO profiles (user_id, themes, competencies) VALUES (?, '{health}', '{telemedicina}')`, invited)
	person := func(id int64) url.Values { return url.Values{"kind": {"person"}, "id": {itoa(id)}} }
	dario := person(w.ID("alpha", "dario"))
	before := query[string](t, w, "SELECT count(*) || '/' || (SELECT count(*) FROM events) FROM proposal_invitations")
	cases := []struct {
		who  string
		form url.Values
		code int
	}{
		{"bruno", dario, 403},
		{"validator", dario, 403},
		{"admin", dario, 403},
		{"anna", person(betaOnly), 404},
		{"anna", person(invited), 404},
		{"anna", person(w.ID("alpha", "carla")), 409}, // a respondent
		{"anna", person(w.ID("alpha", "anna")), 409},  // herself
		{"anna", url.Values{"kind": {"community"}, "id": {"1"}}, 404},
		{"anna", url.Values{"kind": {"person"}, "id": {"x"}}, 404},
	}
	for _, c := range cases {
		code, body := w.Browser(t, alpha, c.who).Send(page, invite, maps.Clone(c.form))
		if code != c.code || strings.Contains(body, "Il modulo è scaduto") {
			t.Errorf("%s invites %v: %d, want %d (not a refused form)", c.who, c.form, code, c.code)
		}
	}
	for _, who := range []string{"anna", "admin"} {
		b := w.Browser(t, beta, who)
		if code, _ := b.Send(beta+"/proposals", beta+"/proposals/"+id+"/invite", maps.Clone(dario)); code != 404 {
			t.Errorf("beta's %s invites to alpha's proposal: %d", who, code)
		}
	}
	if after := query[string](t, w, "SELECT count(*) || '/' || (SELECT count(*) FROM events) FROM proposal_invitations"); after != before {
		t.Errorf("refused invitations wrote: %s, was %s", after, before)
	}
}

// TestMatchingInert: every payload in a suggested person's name and
// competencies renders inert on the panel.
func TestMatchingInert(t *testing.T) {
	w := moduletest.New(t)
	id := write(t, w.Browser(t, alpha, "validator"), alpha, "Telemedicina nei comuni", url.Values{"action": {"publish"}})
	ps := webtest.Payloads
	for i := range 10 {
		var names, comps []string
		for j := i; j < len(ps); j += 10 {
			names, comps = append(names, ps[j]), append(comps, ps[j]+" telemedicina")
		}
		var uid int64
		w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO users (email, display_name) VALUES (?, ?) RETURNING id`,
				fmt.Sprintf("x%d@alpha.example", i), strings.Join(names, " ")).Scan(&uid)
		})
		exec(t, w, `INSERT INTO profiles (user_id, themes, competencies) VALUES (?, '{health}', ?)`, uid, pgdialect.Array(comps))
	}
	_, p := w.Browser(t, alpha, "validator").Get(alpha + "/proposals/" + id)
	if n := strings.Count(panel(p), `name="kind" value="person"`); n != 10 {
		t.Fatalf("the panel suggests %d people, want the 10 with payloads", n)
	}
	if bad := webtest.Inert(p); bad != "" {
		t.Errorf("the panel: %s", bad)
	}
}

// TestMatchingKept: a panel's ranking is kept and read again, but what
// the panel shows is checked as it is shown: someone suspended goes at
// once and a new name shows; a new respondent, being involved, goes at
// the next view; a newcomer to the directory comes with the next ranking,
// which the sweep makes before the kept one grows old. Erasing someone
// forgets the rankings that name them.
func TestMatchingKept(t *testing.T) {
	w := moduletest.New(t)
	id := matchingWorld(t, w)
	page := alpha + "/proposals/" + id
	anna := w.Browser(t, alpha, "anna")
	if _, p := anna.Get(page); !strings.Contains(panel(p), ">Bruno</a>") || !strings.Contains(panel(p), ">Dario</a>") {
		t.Fatalf("the panel:\n%s", panel(p))
	}
	ranked := func() string {
		return query[string](t, w, "SELECT ranked_at::text FROM proposal_suggestions WHERE proposal_id = ?", id)
	}
	first := ranked()

	newcomer := query[int64](t, w, `INSERT INTO users (email, display_name) VALUES ('zoe@alpha.example', 'Zoe') RETURNING id`)
	exec(t, w, `INSERT INTO profiles (user_id, themes, competencies) VALUES (?, '{health}', '{telemedicina}')`, newcomer)
	exec(t, w, "UPDATE users SET status = 'suspended' WHERE id = ?", w.ID("alpha", "dario"))
	exec(t, w, "UPDATE users SET display_name = 'Bruno Rossi' WHERE id = ?", w.ID("alpha", "bruno"))
	_, p := anna.Get(page)
	got := panel(p)
	if strings.Contains(got, ">Dario</a>") || !strings.Contains(got, ">Bruno Rossi</a>") {
		t.Errorf("the kept ranking is shown as it was ranked:\n%s", got)
	}
	if strings.Contains(got, ">Zoe</a>") || ranked() != first {
		t.Errorf("the panel was ranked again for no change of the proposal:\n%s", got)
	}

	express(t, w.Browser(t, alpha, "bruno"), id, "Abbiamo dei medici.", "submit")
	if _, p := anna.Get(page); strings.Contains(panel(p), "Bruno") || ranked() == first {
		t.Errorf("a new respondent is still suggested:\n%s", panel(p))
	}

	exec(t, w, "UPDATE proposal_suggestions SET ranked_at = now() - interval '11 hours 30 minutes'")
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		n, err := proposal.RankDue(ctx, tx, 10)
		if err == nil && n != 1 {
			t.Errorf("the sweep ranked %d panels, want the one growing old", n)
		}
		return err
	})
	if _, p := anna.Get(page); !strings.Contains(panel(p), ">Zoe</a>") {
		t.Errorf("the newcomer is not suggested after the sweep's ranking:\n%s", panel(p))
	}
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		n, err := proposal.RankDue(ctx, tx, 10)
		if err == nil && n != 0 {
			t.Errorf("the sweep ranked %d fresh panels again", n)
		}
		return err
	})

	if code, body := w.Browser(t, alpha, "admin").Send(alpha+"/admin/people/"+itoa(newcomer)+"/erase", alpha+"/admin/people/"+itoa(newcomer)+"/erase",
		url.Values{"confirm": {"Zoe"}, "contributions": {"keep"}}); code != 303 {
		t.Fatalf("erase: %d %.300s", code, body)
	}
	if n := query[int](t, w, "SELECT count(*) FROM proposal_suggestions"); n != 0 {
		t.Errorf("%d rankings still name the erased person", n)
	}
	if _, p := anna.Get(page); strings.Contains(panel(p), "Zoe") || !strings.Contains(panel(p), ">Validator</a>") {
		t.Errorf("the panel after the erasure:\n%s", panel(p))
	}

	exec(t, w, "UPDATE proposals SET state = 'closed' WHERE id = ?", id)
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := proposal.RankDue(ctx, tx, 10)
		return err
	})
	if n := query[int](t, w, "SELECT count(*) FROM proposal_suggestions"); n != 0 {
		t.Errorf("a closed proposal keeps its ranking (%d)", n)
	}
}
