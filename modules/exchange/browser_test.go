package exchange_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// chromeAt opens a headless browser signed in as name of site, at path
// once what waitFor selects shows (moduletest.World.Chrome, for any site).
func chromeAt(t *testing.T, w *moduletest.World, site, name, path, waitFor string) context.Context {
	t.Helper()
	ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	slug := strings.TrimSuffix(strings.TrimPrefix(site, "http://"), ".piazza.test")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(site+"/auth/login?return_to="+url.QueryEscape(path)),
		chromedp.WaitVisible(chromedp.ID("email"))); err != nil {
		t.Fatalf("%s opens the sign-in page: %v", name, err)
	}
	moduletest.Do(t, ctx, name+" signs in to "+path, chromedp.SendKeys(chromedp.ID("email"), name+"@"+slug+".example"),
		chromedp.SendKeys(chromedp.ID("password"), moduletest.Password), chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(waitFor)))
	return ctx
}

// accessibleAt checks site's pages with axe-core in Italian and English
// (moduletest.Accessible, for any site).
func accessibleAt(t *testing.T, ctx context.Context, site, who string, pages ...string) {
	t.Helper()
	for _, lang := range []string{"it", "en"} {
		for _, p := range pages {
			moduletest.Do(t, ctx, who+" opens "+p, chromedp.Navigate(site+"/lang?l="+lang+"&return_to="+url.QueryEscape(p)),
				chromedp.WaitReady(chromedp.CSS("footer")))
			if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); got != lang {
				t.Errorf("%s [%s] as %s: the page is in %q", p, lang, who, got)
			}
			bad, err := webtest.Axe(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range bad {
				t.Errorf("%s [%s] as %s: %s", p, lang, who, v)
			}
		}
	}
}

// TestExchangeInBrowser: alpha's proposer shares her proposal from its
// page; a member of beta finds it among "Opportunities from other
// administrations" by searching, opens it and expresses his interest; the
// proposer evaluates it in "my activities". Screenshots are kept
// (testdata/artefacts); axe-core finds no serious or critical violation on
// the new pages, in Italian and English.
func TestExchangeInBrowser(t *testing.T) {
	w := moduletest.New(t)
	w.StartJobs(t, time.Now)
	optIn(t, w, alpha, "join")
	admin := w.Chrome(t, "admin", "/admin/exchange", "#exchange-leave")
	moduletest.Keep(t, admin, "exchange-1-admin-takes-part.png")
	accessibleAt(t, admin, alpha, "admin", "/admin/exchange")
	optIn(t, w, beta, "join")
	id := publish(t, w, "Telemedicina nelle valli", url.Values{"summary": {"Visite a distanza negli ambulatori di montagna."}})
	anna := w.Chrome(t, "anna", "/proposals/"+id, "#exchange-do-share")
	moduletest.Do(t, anna, "the proposer shares the proposal", chromedp.Click(chromedp.ID("exchange-do-share")),
		chromedp.WaitVisible(chromedp.ID("exchange-withdraw")))
	moduletest.Keep(t, anna, "exchange-2-proposer-shares.png")
	bruno := chromeAt(t, w, beta, "bruno", "/exchange", "#filters")
	waitFor(t, w.Browser(t, beta, "bruno"), beta+"/exchange", "beta sees the proposal", listed("Telemedicina nelle valli"))
	moduletest.Do(t, bruno, "the member searches the opportunities", chromedp.SendKeys(chromedp.ID("f-q"), "telemedicina"),
		chromedp.Submit(chromedp.ID("f-q")), chromedp.WaitVisible(chromedp.CSS(`#opportunities a[href^="/exchange/"]`)))
	moduletest.Keep(t, bruno, "exchange-3-member-finds-it.png")
	list, _ := chromedp.Run(bruno, chromedp.Text(chromedp.ID("opportunities")))
	if !strings.Contains(list, "Comune di Alpha") {
		t.Errorf("the opportunity does not name its tenant: %q", list)
	}
	moduletest.Do(t, bruno, "the member opens it and expresses interest", chromedp.Click(chromedp.CSS(`#opportunities a[href^="/exchange/"]`)),
		chromedp.WaitVisible(chromedp.ID("offer")), chromedp.SendKeys(chromedp.ID("offer"), "Produciamo sensori per il monitoraggio a domicilio."))
	loc, _ := chromedp.Run(bruno, chromedp.Location())
	page := loc[strings.Index(loc, "/exchange/"):]
	moduletest.Keep(t, bruno, "exchange-4-member-expresses-interest.png")
	moduletest.Do(t, bruno, "the member sends it", chromedp.Click(chromedp.ID("send-interest")), chromedp.WaitVisible(chromedp.ID("my-interest")))
	moduletest.Keep(t, bruno, "exchange-5-interest-sent.png")
	accessibleAt(t, bruno, beta, "bruno", "/exchange", page)
	waitFor(t, w.Browser(t, alpha, "anna"), alpha+"/dashboard/inbox", "the interest in anna's inbox", listed("Bruno (Comune di Beta)"))
	moduletest.Do(t, anna, "the proposer opens my activities", chromedp.Navigate(alpha+"/dashboard/inbox"), chromedp.WaitVisible(chromedp.ID("tasks")))
	moduletest.Keep(t, anna, "exchange-6-proposer-inbox.png")
	moduletest.Do(t, anna, "the proposer judges it relevant", chromedp.WaitReady(chromedp.CSS(`#tasks form[action$="/do/relevant"] button`)),
		chromedp.Click(chromedp.CSS(`#tasks form[action$="/do/relevant"] button`)))
	iid := in[int64](t, w, w.A, "SELECT id FROM proposal_interests WHERE proposal_id = ?", id)
	deadline := time.Now().Add(15 * time.Second)
	for in[string](t, w, w.A, "SELECT state FROM proposal_interests WHERE id = ?", iid) != "relevant" {
		if time.Now().After(deadline) {
			t.Fatal("the expression was not judged relevant")
		}
		time.Sleep(100 * time.Millisecond)
	}
	moduletest.Do(t, anna, "the proposer opens the expression", chromedp.Navigate(alpha+"/proposals/interests/"+itoa(iid)),
		chromedp.WaitVisible(chromedp.ID("external-tenant")))
	moduletest.Keep(t, anna, "exchange-7-proposer-evaluated.png")
	accessibleAt(t, anna, alpha, "anna", "/proposals/"+id, "/proposals/interests/"+itoa(iid))
}
