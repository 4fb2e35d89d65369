package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// fit is what a page looks like to the layout checks: its width against
// the window's, and the visible fields a person could not see.
type fit struct {
	Scroll, Inner int
	Wide          []string // elements past the window's right edge
	Unseen        []string // visible fields without a border or underline
	Keys          []string // message keys shown instead of their text
}

// measure reads the fit of the page in the browser.
const measure = `(() => {
  const inner = window.innerWidth, out = {Scroll: document.documentElement.scrollWidth, Inner: inner, Wide: [], Unseen: []};
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
  for (const e of document.querySelectorAll("body *")) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > inner + 1 && out.Wide.length < 5) out.Wide.push(name(e));
  }
  const text = ["text", "search", "email", "url", "password", "tel", "number", "date", "datetime-local", "time"];
  for (const e of document.querySelectorAll("input, select, textarea")) {
    if (e.tagName === "INPUT" && !text.includes(e.type)) continue;
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    if (r.width === 0 || r.height === 0 || s.visibility === "hidden") continue;
    const seen = ["Top", "Right", "Bottom", "Left"].some(side => parseFloat(s["border" + side + "Width"]) > 0 &&
      s["border" + side + "Style"] !== "none" && s["border" + side + "Color"] !== "rgba(0, 0, 0, 0)");
    if (!seen) out.Unseen.push(name(e));
  }
  out.Keys = document.body.innerText.match(/\b(admin|console)\.[a-z_]+(\.[a-z_]+)*\b/g) || [];
  return out;
})()`

// checkFit loads each page at a phone's width and a desktop's, in Italian
// and English, and reports horizontal overflow, fields drawn without a
// border or underline, messages left untranslated and serious or critical
// accessibility violations (axe-core); it keeps a screenshot of each
// Italian page on a phone. Each language and width has a browser of its
// own from open (so that a slow machine stays within a browser's time).
func checkFit(t *testing.T, open func() context.Context, site string, pages []string) {
	t.Helper()
	for _, lang := range []string{"it", "en"} {
		for _, width := range []int64{390, 1280} {
			ctx := open()
			err := chromedp.Do(ctx, chromedp.Navigate(site+"/lang?l="+lang+"&return_to=/"), chromedp.WaitVisible(chromedp.CSS("main")))
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range pages {
				where := fmt.Sprintf("%s%s [%s] at %d px", site, p, lang, width)
				err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(site+p), chromedp.WaitVisible(chromedp.CSS("main")))
				if err != nil {
					t.Fatal(err)
				}
				checkPage(t, ctx, where, width == 1280)
				if width == 390 && lang == "it" {
					shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
					if err != nil {
						t.Fatal(err)
					}
					webtest.Artefact(t, fmt.Sprintf("%s-%s-%d-%d.png", "admin", lang, width, i), shot)
				}
			}
		}
	}
}

// checkPage checks the page the browser shows (with axe-core too when axe).
func checkPage(t *testing.T, ctx context.Context, where string, axe bool) {
	t.Helper()
	f, err := chromedp.Run(ctx, chromedp.Evaluate[fit](measure))
	if err != nil {
		t.Fatal(err)
	}
	if f.Scroll > f.Inner {
		t.Errorf("%s is %d px wide: %v", where, f.Scroll, f.Wide)
	}
	if len(f.Unseen) > 0 {
		t.Errorf("%s: fields without a border or underline: %v", where, f.Unseen)
	}
	if len(f.Keys) > 0 {
		t.Errorf("%s: untranslated messages %v", where, f.Keys)
	}
	if !axe {
		return
	}
	bad, err := webtest.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range bad {
		t.Errorf("%s: %s", where, v)
	}
}

// The admin area fits a phone (390 px) and a desktop (1280 px) in both
// languages, with every field visible.
func TestAdminPagesFit(t *testing.T) {
	w := moduletest.New(t)
	const alpha = moduletest.Alpha
	adm := w.Browser(t, alpha, "admin")
	if code, _ := adm.Send(alpha+"/admin/idps/new", alpha+"/admin/idps", url.Values{"key": {"regione"}, "label": {"Accedi con l'identità digitale della Regione"},
		"issuer": {"https://identita-digitale.servizi.regione.example.it/realms/pubblica-amministrazione"}, "client_id": {"piazza"}, "client_secret": {"s"},
		"client_auth": {"client_secret_basic"}}); code != 200 {
		t.Fatalf("add an identity provider: %d", code)
	}
	if code, _ := adm.Send(alpha+"/admin", alpha+"/admin/hosts", url.Values{"host": {"partecipazione-cittadina.servizi-digitali.comune-di-alpha.example.it"}}); code != 200 {
		t.Fatalf("add a long host name: %d", code)
	}
	open := func() context.Context {
		ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
		err := chromedp.Do(ctx, chromedp.Navigate(alpha+"/auth/login?return_to=/admin"), chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), "admin@alpha.example"), chromedp.SendKeys(chromedp.ID("password"), moduletest.Password),
			chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.ID("members")))
		if err != nil {
			t.Fatal(err)
		}
		return ctx
	}
	checkFit(t, open, alpha, []string{"/admin", "/admin?q=anna", "/admin/audit", "/admin/collaboration", "/admin/idps/new", "/admin/idps/regione", "/admin/billing"})
}
