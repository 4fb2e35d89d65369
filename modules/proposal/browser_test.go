package proposal_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// inPlace clicks the button of a form that htmx sends (once the page's
// scripts have run, so that the click is htmx's) and returns what
// replaced the form in the element target: a confirmation, or the
// failure of what.
func inPlace(t *testing.T, ctx context.Context, what, button, target string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.readyState === "complete" && !!window.htmx`)); err != nil {
		t.Fatalf("%s: the page's scripts: %v", what, err)
	}
	answer := target + ` [role="status"], ` + target + ` [role="alert"]`
	// The button is clicked by the page's own script once visible: a
	// click at its coordinates could land beside it on a busy machine if
	// the page moves meanwhile, and nothing would be sent.
	err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(button)))
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { document.querySelector(`+strconv.Quote(button)+`).click(); return true })()`))
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(answer)))
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(answer)))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('`+target+` [role="alert"]').length`)); n > 0 {
		t.Fatalf("%s: refused: %s", what, text)
	}
	return text
}

// partners are alpha's members who could be interested in a proposal on
// telemedicine (the matching panel's suggestions), by their full names,
// and an organisation of Dario's.
func partners(t *testing.T, w *moduletest.World) {
	t.Helper()
	for name, full := range map[string]string{"carla": "Carla Ferri", "dario": "Dario Colombo", "facilitator": "Francesca Riva"} {
		exec(t, w, "UPDATE users SET display_name = ? WHERE id = ?", full, w.ID("alpha", name))
	}
	profile(t, w, "carla", "{telemedicina,cartella clinica elettronica}", "daily")
	profile(t, w, "dario", "{dispositivi medici}", "daily")
	profile(t, w, "facilitator", "{sanità digitale,telemedicina}", "daily")
	if res, body := w.Browser(t, alpha, "dario").Post(alpha+"/organizations/new", alpha+"/organizations", url.Values{"name": {"Ospedale Valle Brembana"},
		"themes": {"health"}, "competencies": {"telemedicina, teleassistenza"}, "description": {"Ospedale di montagna."}}); res.StatusCode != 303 {
		t.Fatalf("organisation: %d %.300s", res.StatusCode, body)
	}
}

// TestProposalInBrowser: a member writes a proposal through the form and
// submits it, a validator approves it from the inbox, another member
// expresses interest and sends it, the proposer judges it relevant from
// "my activities", makes the work group from the proposal's page, sees
// who could be interested and invites one in place, and the respondent
// opens the work group's page, which leads back to the proposal.
// Screenshots are kept (testdata/artefacts); axe-core finds no serious or
// critical violation on the proposals' pages, in Italian and English.
func TestProposalInBrowser(t *testing.T) {
	w := moduletest.New(t)
	partners(t, w)
	anna := w.Chrome(t, "anna", "/proposals/new", "#title")
	id := propose(t, anna)
	approve(t, w.Chrome(t, "validator", "/dashboard/inbox", "#tasks"))
	bruno := w.Chrome(t, "bruno", "/proposals/"+id, "#express")
	iid := respond(t, bruno)
	group := evaluate(t, anna, id)
	moduletest.Do(t, bruno, "the respondent opens the work group", chromedp.Navigate(alpha+group), chromedp.WaitVisible(chromedp.ID("origin")))
	if origin, _ := chromedp.Run(bruno, chromedp.Evaluate[string](`document.querySelector("#origin a").getAttribute("href")`)); origin != "/proposals/"+id {
		t.Errorf("the work group's page leads to %q", origin)
	}
	moduletest.Keep(t, bruno, "proposal-7-respondent-work-group.png")
	moduletest.Accessible(t, anna, "anna", "/proposals", "/proposals/"+id, "/proposals/new", "/proposals/interests/"+iid)
	moduletest.Accessible(t, w.Chrome(t, "carla", "/proposals/"+id+"/interest", "#offer"), "carla", "/proposals/"+id+"/interest")
}

// propose fills and submits the proposal's form as its proposer, and
// returns its id.
func propose(t *testing.T, ctx context.Context) string {
	t.Helper()
	moduletest.Do(t, ctx, "the proposer writes the proposal",
		chromedp.SendKeys(chromedp.ID("title"), "Telemedicina nei comuni di montagna"),
		chromedp.SendKeys(chromedp.ID("summary"), "Visite a distanza e monitoraggio dei pazienti cronici nelle valli."),
		chromedp.SendKeys(chromedp.ID("body"), "Cerchiamo partner per portare la telemedicina negli ambulatori dei comuni montani."),
		chromedp.SendKeys(chromedp.ID("offer"), "Una piattaforma di televisita già in uso in tre ambulatori."),
		chromedp.SendKeys(chromedp.ID("expected"), "Dispositivi medici connessi, competenze di cartella clinica elettronica."),
		chromedp.SetValue(chromedp.ID("kind"), "technology"), chromedp.SetValue(chromedp.ID("trl"), "6"),
		chromedp.Click(chromedp.ID("th-health")), chromedp.Click(chromedp.ID("co-IT")), chromedp.Click(chromedp.ID("wl-it")))
	moduletest.Keep(t, ctx, "proposal-1-proposer-writes.png")
	moduletest.Do(t, ctx, "the proposer submits it", chromedp.Click(chromedp.ID("submit")), chromedp.WaitVisible(chromedp.ID("state")))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	m := idRE.FindStringSubmatch(loc)
	if err != nil || m == nil {
		t.Fatalf("after submitting: %s %v", loc, err)
	}
	return m[1]
}

// approve approves the one proposal waiting in the validator's inbox, in
// place.
func approve(t *testing.T, ctx context.Context) {
	t.Helper()
	inPlace(t, ctx, "the validator approves from the inbox", `#tasks form[action$="/do/approve"] button`, "#tasks")
	moduletest.Keep(t, ctx, "proposal-2-validator-approves.png")
}

// respond expresses the member's interest in the proposal whose page is
// open and sends it; it returns the expression's id.
func respond(t *testing.T, ctx context.Context) string {
	t.Helper()
	moduletest.Do(t, ctx, "the member expresses interest", chromedp.Click(chromedp.ID("express")), chromedp.WaitVisible(chromedp.ID("offer")),
		chromedp.SendKeys(chromedp.ID("offer"), "Produciamo sensori per il monitoraggio a domicilio."),
		chromedp.SendKeys(chromedp.ID("role"), "Partner tecnologico"))
	moduletest.Keep(t, ctx, "proposal-3-member-expresses-interest.png")
	moduletest.Do(t, ctx, "the member sends it", chromedp.Click(chromedp.ID("submit")), chromedp.WaitVisible(chromedp.ID("state")))
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	m := idRE.FindStringSubmatch(loc)
	if !strings.Contains(loc, "/proposals/interests/") || m == nil {
		t.Fatalf("after sending: %s", loc)
	}
	return m[1]
}

// evaluate, as the proposer: judges the expression relevant from "my
// activities", makes the work group on the proposal's page, invites the
// first person the matching panel suggests; it returns the work group's
// path.
func evaluate(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	moduletest.Do(t, ctx, "the proposer opens my activities", chromedp.Navigate(alpha+"/dashboard/inbox"), chromedp.WaitVisible(chromedp.ID("tasks")))
	inPlace(t, ctx, "the proposer judges the expression relevant from my activities", `#tasks form[action$="/do/relevant"] button`, "#tasks")
	moduletest.Keep(t, ctx, "proposal-4-proposer-judges-relevant.png")
	moduletest.Do(t, ctx, "the proposer makes the work group", chromedp.Navigate(alpha+"/proposals/"+id),
		chromedp.Click(chromedp.ID("do-work-group")), chromedp.WaitVisible(chromedp.ID("work-group-link")))
	moduletest.Keep(t, ctx, "proposal-5-work-group-made.png")
	panel, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("match")))
	for _, want := range []string{"Carla Ferri", "Francesca Riva", "Ospedale Valle Brembana", "telemedicina"} {
		if !strings.Contains(panel, want) {
			t.Errorf("the matching panel lacks %s: %q", want, panel)
		}
	}
	if said := inPlace(t, ctx, "the proposer invites the first suggestion", `#match-list form button`, "#match-list"); !strings.Contains(said, "Invit") {
		t.Errorf("the invitation says %q", said)
	}
	moduletest.Keep(t, ctx, "proposal-6-proposer-invites.png")
	// Seen again, the panel says who was invited (docs/screenshots).
	moduletest.Do(t, ctx, "the proposer opens the proposal again", chromedp.Navigate(alpha+"/proposals/"+id), chromedp.WaitVisible(chromedp.CSS(`#match-list .badge.bg-success`)))
	moduletest.Keep(t, ctx, "proposal-matching.png")
	group, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("work-group-link").getAttribute("href")`))
	if !strings.HasPrefix(group, "/communities/") {
		t.Fatalf("the work group's link: %q", group)
	}
	return group
}
