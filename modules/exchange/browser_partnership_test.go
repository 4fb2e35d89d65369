package exchange_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestPartnershipInBrowser: alpha's EEN advisor shares a partnership
// profile from its page; a member of beta opens it among the opportunities
// of type partnership profile and expresses his interest; the advisor
// takes it over with a note, and the member finds that answer on the
// opportunity's page. Screenshots are kept (testdata/artefacts); axe-core
// finds no serious or critical violation on these pages, in Italian and
// English.
func TestPartnershipInBrowser(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	optIn(t, w, alpha, "join")
	optIn(t, w, beta, "join")
	importProfiles(t, w, withSecrets(), false)
	advisorOf(t, w, "carla")
	id := itoa(in[int64](t, w, w.A, "SELECT id FROM partnerships WHERE reference = ?", bracketsRef))
	carla := w.Chrome(t, "carla", "/partnerships/"+id, "#exchange-do-share")
	moduletest.Do(t, carla, "the advisor shares the profile", chromedp.Click(chromedp.ID("exchange-do-share")),
		chromedp.WaitVisible(chromedp.ID("exchange-withdraw")))
	moduletest.Keep(t, carla, "exchange-partnership-1-advisor-shares.png")
	accessibleAt(t, carla, alpha, "carla", "/partnerships/"+id)
	waitFor(t, w.Browser(t, beta, "bruno"), beta+"/exchange?type=partnership", "beta sees the profile", listed(brackets))
	bruno := chromeAt(t, w, beta, "bruno", "/exchange?type=partnership", "#filters")
	moduletest.Do(t, bruno, "the member opens the profile and expresses interest", chromedp.Click(chromedp.CSS(`#opportunities a[href^="/exchange/"]`)),
		chromedp.WaitVisible(chromedp.ID("offer")), chromedp.SendKeys(chromedp.ID("offer"), "Integriamo staffe nei nostri cubesat."),
		chromedp.Click(chromedp.ID("send-interest")), chromedp.WaitVisible(chromedp.ID("my-interest")))
	loc, _ := chromedp.Run(bruno, chromedp.Location())
	page := loc[strings.Index(loc, "/exchange/"):]
	page = strings.TrimSuffix(page, "?sent=1")
	waitFor(t, w.Browser(t, alpha, "carla"), alpha+"/dashboard/inbox", "the interest in the advisor's inbox", listed("Bruno (Comune di Beta)"))
	iid := itoa(in[int64](t, w, w.A, "SELECT id FROM partnership_interests WHERE external_name = 'Bruno'"))
	note := "Vi chiamiamo domani"
	moduletest.Do(t, carla, "the advisor takes the interest over", chromedp.Navigate(alpha+"/partnerships/interests/"+iid),
		chromedp.WaitVisible(chromedp.ID("note-take_over")), chromedp.SendKeys(chromedp.ID("note-take_over"), note),
		chromedp.Click(chromedp.ID("do-take_over")), chromedp.WaitVisible(chromedp.ID("advisor")))
	moduletest.Keep(t, carla, "exchange-partnership-2-advisor-takes-over.png")
	accessibleAt(t, carla, alpha, "carla", "/partnerships/interests/"+iid)
	waitFor(t, w.Browser(t, beta, "bruno"), beta+page, "the answer on bruno's page", replied("Presa in carico", note))
	moduletest.Do(t, bruno, "the member reads the answer", chromedp.Navigate(beta+page), chromedp.WaitVisible(chromedp.ID("reply-latest")))
	moduletest.Keep(t, bruno, "exchange-partnership-3-member-reads-the-answer.png")
	accessibleAt(t, bruno, beta, "bruno", page)
}
