package community_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestManageMembersInBrowser: a manager types a name and invites the
// person suggested (htmx), then removes a member through the row's menu
// and its confirmation; on a phone the page stays within the screen; the
// page with its menus and suggestions open has no serious accessibility
// violation.
func TestManageMembersInBrowser(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	id := create(t, anna, "Mobilità dolce", "open")
	if code, _ := w.Browser(t, alpha, "bruno").Send(alpha+"/communities", alpha+"/communities/"+id+"/join", nil); code != 303 {
		t.Fatalf("bruno joins: %d", code)
	}
	bid, did := w.ID("alpha", "bruno"), w.ID("alpha", "dario")
	ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	err := chromedp.Do(ctx,
		chromedp.Navigate(alpha+"/auth/login?return_to=/communities/"+id),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "anna@alpha.example"),
		chromedp.SendKeys(chromedp.ID("password"), moduletest.Password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("invite-q")),
		chromedp.SendKeys(chromedp.ID("invite-q"), "dar"),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#invite-results input[name="user"][value="%d"] + button`, did))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#manage-%d > summary`, bid))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#manage-%d details > summary`, bid))),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("remove-%d", bid))),
	)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := webtest.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range bad {
		t.Errorf("the page with its menus and suggestions open: %s", v)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, "community-members-desktop.png", shot)

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#invite-results input[name="user"][value="%d"] + button`, did))),
		chromedp.WaitVisible(chromedp.CSS(`.alert-success`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("pending")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pending, "Dario") {
		t.Errorf("the person invited from the suggestions does not wait: %q", pending)
	}

	err = chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(alpha+"/communities/"+id), chromedp.WaitVisible(chromedp.ID("members")))
	if err != nil {
		t.Fatal(err)
	}
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("main").scrollWidth <= document.documentElement.clientWidth`))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#manage-%d > summary`, bid))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#manage-%d details > summary`, bid))),
		chromedp.Click(chromedp.ID(fmt.Sprintf("remove-%d", bid))),
		chromedp.WaitVisible(chromedp.CSS(`.alert-success`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	members, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("members")))
	if err != nil {
		t.Fatal(err)
	}
	if !fits {
		t.Error("the community's page is wider than a phone's screen")
	}
	if strings.Contains(members, "Bruno") {
		t.Errorf("the member removed through the menu is still listed: %q", members)
	}
	shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, "community-members-phone.png", shot)
}
