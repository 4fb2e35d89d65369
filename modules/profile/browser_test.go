package profile_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// fitsAndDrawn says, of the page in the browser, whether it is no wider
// than the window and whether the message field has a visible line.
const fitsAndDrawn = `(() => {
  const f = document.getElementById("message"), s = f && getComputedStyle(f);
  const line = s && [s.borderTopWidth, s.borderBottomWidth].some(w => parseFloat(w) > 0);
  return document.documentElement.scrollWidth <= window.innerWidth && !!line && f.getBoundingClientRect().width > 0;
})()`

// A member writes to a person from their page, on a phone and on a
// desktop: the page fits the screen, the field is visible, the message is
// sent and the pages of messages pass axe-core in both languages.
func TestContactInBrowser(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	community(t, anna, "Orti urbani", "open")
	made(t, anna, alpha+"/organizations/new", alpha+"/organizations", url.Values{"name": {"Cooperativa dal nome piuttosto lungo per un telefono"}})
	annaPage := fmt.Sprintf("%s/people/%d", alpha, w.ID("alpha", "anna"))
	ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	err := chromedp.Do(ctx, chromedp.Navigate(alpha+"/auth/login?return_to=/people"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "bruno@alpha.example"), chromedp.SendKeys(chromedp.ID("password"), moduletest.Password),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.ID("people")))
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int64{390, 1280} {
		err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 844), chromedp.Navigate(annaPage), chromedp.WaitVisible(chromedp.ID("message")))
		if err != nil {
			t.Fatal(err)
		}
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fitsAndDrawn))
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Errorf("at %d px the page is wider than the screen or the message field is not drawn", width)
		}
		text := fmt.Sprintf("Scritto a %d pixel.", width)
		err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("message"), text), chromedp.Submit(chromedp.ID("message")),
			chromedp.WaitVisible(chromedp.CSS(`.alert-success`)))
		if err != nil {
			t.Fatal(err)
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		webtest.Artefact(t, fmt.Sprintf("person-contact-%d.png", width), shot)
	}
	// The e-mail goes out before the answer that shows the page.
	mails := mailsTo(w, "anna@alpha.example")
	if len(mails) != 2 || !strings.Contains(mails[1].Text, "Scritto a 1280 pixel.") {
		t.Fatalf("%d e-mails to the person written to", len(mails))
	}
	id := linked(t, mails[0])
	axe(t, w, "anna", []string{fmt.Sprintf("/people/%d", w.ID("alpha", "bruno")), "/profile/messages", "/profile/messages/" + id, "/profile"})
}

// axe signs in name in a new browser and checks pages with axe-core, in
// Italian and in English.
func axe(t *testing.T, w *moduletest.World, name string, pages []string) {
	t.Helper()
	ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	err := chromedp.Do(ctx, chromedp.Navigate(alpha+"/auth/login?return_to=/people"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), name+"@alpha.example"), chromedp.SendKeys(chromedp.ID("password"), moduletest.Password),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.ID("people")))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"it", "en"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(alpha+"/lang?l="+lang+"&return_to=/people"), chromedp.WaitVisible(chromedp.ID("people"))); err != nil {
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
