package partnership_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestPartnershipInBrowser: a member finds an imported profile in the
// list, opens it and expresses her interest through its form; the EEN
// advisor opens the interest and is offered its next steps. axe-core finds no serious or critical
// violation of WCAG 2.1 AA on the list, a profile's page, the interest's
// form and page (as the member and as the advisor) and the admin page,
// in Italian and English.
func TestPartnershipInBrowser(t *testing.T) {
	w := moduletest.New(t)
	mustImport(t, w, sample(), false)
	fresh(t, w)
	advisor(t, w, w.A, "carla")
	id := profileID(t, w, "RDDE20261105005")
	anna := w.Chrome(t, "anna", "/partnerships", `#main a[href="/partnerships/`+id+`"]`)
	moduletest.Do(t, anna, "the member opens the profile and its interest form", chromedp.Click(chromedp.CSS(`#main a[href="/partnerships/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.ID("express")), chromedp.Click(chromedp.ID("express")), chromedp.WaitVisible(chromedp.ID("send")),
		chromedp.SendKeys(chromedp.ID("message"), "Cerchiamo un partner per la riabilitazione a distanza."),
		chromedp.Click(chromedp.ID("send")), chromedp.WaitVisible(chromedp.ID("state")))
	loc, _ := chromedp.Run(anna, chromedp.Location())
	if !strings.Contains(loc, "/partnerships/interests/") {
		t.Fatalf("after expressing interest: %s", loc)
	}
	interest := "/partnerships/interests/" + profileIDOf(loc)
	carla := w.Chrome(t, "carla", interest, "#steps")
	moduletest.Accessible(t, anna, "anna", "/partnerships", "/partnerships/"+id, "/partnerships/"+id+"/interest", interest)
	moduletest.Accessible(t, carla, "carla", "/partnerships/"+id, interest)
	moduletest.Accessible(t, w.Chrome(t, "admin", "/admin/partnerships", "#import"), "admin", "/admin/partnerships")
}

// profileIDOf is the last number of the address loc, before its query.
func profileIDOf(loc string) string {
	loc, _, _ = strings.Cut(loc, "?")
	loc, _, _ = strings.Cut(loc, "#")
	return loc[strings.LastIndex(loc, "/")+1:]
}
