package moduletest

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// Chrome opens a headless browser on the world's server, signed in as
// Alpha's member name, at path once what waitFor selects shows.
func (w *World) Chrome(t *testing.T, name, path, waitFor string) context.Context {
	t.Helper()
	ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	// The first steps run on the browser's own context, which starts it
	// for the whole test (a context with a deadline would end it).
	err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(Alpha+"/auth/login?return_to="+url.QueryEscape(path)),
		chromedp.WaitVisible(chromedp.ID("email")))
	if err != nil {
		t.Fatalf("%s opens the sign-in page: %v", name, err)
	}
	Do(t, ctx, name+" signs in to "+path, chromedp.SendKeys(chromedp.ID("email"), name+"@alpha.example"),
		chromedp.SendKeys(chromedp.ID("password"), Password), chromedp.Submit(chromedp.ID("password")))
	// The sign-in page has what the next one is awaited by (its footer,
	// say): first wait to have left it, for a page loaded whole.
	left, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		// An evaluation the navigation interrupts fails: ask again.
		done, err := chromedp.Run(left, chromedp.Evaluate[bool](`location.pathname !== "/auth/login" && document.readyState === "complete"`))
		if err == nil && done {
			break
		}
		if left.Err() != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("%s signs in to %s: %v (at %s)", name, path, err, loc)
		}
		time.Sleep(20 * time.Millisecond)
	}
	Do(t, ctx, name+" sees "+path, chromedp.WaitVisible(chromedp.CSS(waitFor)))
	return ctx
}

// Do runs the steps of what, failing the test (with the page's address)
// when one fails or when what it waits for has not come after two
// minutes.
func Do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	limited, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(limited, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("%s: %v (at %s)", what, err, loc)
	}
}

// Keep keeps the page's full screenshot among the test's artefacts.
func Keep(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, name, png)
}

// Accessible checks Alpha's pages with axe-core in Italian and English,
// as the browser's member who sees them: no serious or critical violation
// of WCAG 2.1 AA, and each page in the language asked for.
func Accessible(t *testing.T, ctx context.Context, who string, pages ...string) {
	t.Helper()
	for _, lang := range []string{"it", "en"} {
		for _, p := range pages {
			Do(t, ctx, who+" opens "+p, chromedp.Navigate(Alpha+"/lang?l="+lang+"&return_to="+url.QueryEscape(p)), chromedp.WaitReady(chromedp.CSS("footer")))
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
