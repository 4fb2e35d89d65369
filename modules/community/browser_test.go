package community_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestJoinReservedInBrowser: a member asks to join a reserved community in
// the browser, waits, and once a manager approves sees its content.
func TestJoinReservedInBrowser(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	id := create(t, anna, "Salute digitale", "reserved")
	publish(t, anna, id, "Bando telemedicina 2027")

	ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	err := chromedp.Do(ctx,
		chromedp.Navigate(alpha+"/auth/login?return_to=/communities"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "bruno@alpha.example"),
		chromedp.SendKeys(chromedp.ID("password"), moduletest.Password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("communities")),
		chromedp.Click(chromedp.CSS(`#communities a[href="/communities/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.ID("join")),
		chromedp.Click(chromedp.ID("join")),
		chromedp.WaitVisible(chromedp.ID("waiting")),
	)
	if err != nil {
		t.Fatal(err)
	}
	waiting, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(waiting, "Bando telemedicina") || !strings.Contains(waiting, "members") && !strings.Contains(waiting, "membri") {
		t.Errorf("while waiting the page shows the content or does not say it is for members: %q", waiting)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, "reserved-request-waiting.png", shot)

	if code, _ := anna.Send(alpha+"/communities", alpha+fmt.Sprintf("/communities/%s/members/%d/approve", id, w.ID("alpha", "bruno")), nil); code != 303 {
		t.Fatalf("approve: %d", code)
	}
	err = chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("items")))
	if err != nil {
		t.Fatal(err)
	}
	items, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("items")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(items, "Bando telemedicina 2027") {
		t.Errorf("the approved member does not see the content: %q", items)
	}
	shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, "reserved-member-sees-content.png", shot)
}

// TestCollaborationAccessibility: the collaboration pages have no serious or
// critical WCAG 2.1 AA violation (axe-core), in both languages.
func TestCollaborationAccessibility(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	id := create(t, anna, "Salute digitale", "reserved")
	nid := publish(t, anna, id, "Bando telemedicina 2027")
	ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	err := chromedp.Do(ctx, chromedp.Navigate(alpha+"/auth/login?return_to=/communities"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "anna@alpha.example"), chromedp.SendKeys(chromedp.ID("password"), moduletest.Password),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.ID("communities")))
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := anna.Send(alpha+"/news/"+nid, alpha+"/comments/news/"+nid, url.Values{"body": {"Un commento."}}); code != 303 {
		t.Fatal(code)
	}
	res, _ := anna.Post(alpha+"/discussions/new", alpha+"/discussions", url.Values{"title": {"Una discussione"}, "language": {"it"},
		"scope_kind": {"communities"}, "scope_communities": {id}, "action": {"publish"}})
	did := strings.TrimSuffix(res.Header.Get("Location"), "?done=1")
	pages := []string{"/communities", "/communities/new", "/communities/" + id, "/news", "/news/new", "/news/" + nid, "/news/" + nid + "/edit",
		"/people", "/profile", "/organizations", "/organizations/new", "/dashboard", "/dashboard/inbox",
		"/discussions", "/discussions/new", did, "/search?q=telemedicina", "/notifications"}
	for _, lang := range []string{"it", "en"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(alpha+"/lang?l="+lang+"&return_to=/communities"), chromedp.WaitVisible(chromedp.ID("communities"))); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if err := chromedp.Do(ctx, chromedp.Navigate(alpha+p), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
				t.Fatal(err)
			}
			bad, err := webtest.Axe(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range bad {
				t.Errorf("%s [%s]: %s", p, lang, v)
			}
		}
	}
}
