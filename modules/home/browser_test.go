package home_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
	"github.com/piazza-pa/piazza/tenant"
)

// TestHomesInBrowser: the guest's and the member's homes, with content, fit
// a phone (390 px) and a desktop (1280 px) without scrolling sideways, and
// axe-core finds no serious or critical violation, in both languages.
func TestHomesInBrowser(t *testing.T) {
	w := moduletest.New(t)
	publish(t, w, w.A, tenant.Look{Intro: map[string]string{
		"it": "Il portale della collaborazione di Alpha: imprese, università e uffici pubblici lavorano insieme sui progetti del territorio.",
		"en": "Alpha's collaboration portal: businesses, universities and public offices working together."}})
	exec(t, w, w.A, `INSERT INTO news (title, summary, language, state, scope_kind, public, published_at) VALUES
		('Bando per l''innovazione digitale delle piccole e medie imprese del territorio', 'Contributi a fondo perduto fino a cinquantamila euro per progetti di trasformazione digitale', 'it', 'published', 'tenant', true, now()),
		('Giornata aperta in municipio', 'Incontri con gli uffici', 'it', 'published', 'tenant', true, now()),
		('Nuovi orari dello sportello', '', 'it', 'published', 'tenant', true, now());
		INSERT INTO news (title, language, state, scope_kind, author_id) VALUES ('Da approvare', 'it', 'to_validate', 'tenant', ?);
		INSERT INTO communities (name, description, kind, themes) VALUES
		('Orti urbani', 'Chi coltiva in città', 'open', '{agrifood}'), ('Mobilità dolce', 'Biciclette e pedoni', 'open', '{sustainable_mobility}')`,
		w.ID(w.A.Slug, "bruno"))
	for _, who := range []string{"", "validator"} {
		ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
		if who != "" {
			err := chromedp.Do(ctx, chromedp.Navigate(alpha+"/auth/login"), chromedp.WaitVisible(chromedp.ID("email")),
				chromedp.SendKeys(chromedp.ID("email"), who+"@alpha.example"), chromedp.SendKeys(chromedp.ID("password"), moduletest.Password),
				chromedp.Submit(chromedp.ID("password")), chromedp.WaitReady(chromedp.ID("home-new")))
			if err != nil {
				t.Fatalf("%s signs in: %v", who, err)
			}
		}
		for _, lang := range []string{"it", "en"} {
			for _, width := range []int64{390, 1280} {
				name := fmt.Sprintf("home-%s-%s-%d", map[string]string{"": "guest", "validator": "member"}[who], lang, width)
				look(t, ctx, name, alpha+"/lang?l="+lang+"&return_to=/", width)
			}
		}
	}
}

// look opens u at width and reports sideways scrolling and accessibility
// violations, keeping a screenshot.
func look(t *testing.T, ctx context.Context, name, u string, width int64) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 844), chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("footer")))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	over, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || over {
		t.Errorf("%s scrolls sideways (%v)", name, err)
	}
	bad, err := webtest.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range bad {
		t.Errorf("%s: %s", name, v)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, name+".png", png)
}
