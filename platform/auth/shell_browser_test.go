package auth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// shellChecks runs in the page once its fonts are in and returns what a
// person would notice: a page wider than the screen, a field without a
// visible border or underline, Titillium Web not loaded (or not used by
// the headings), the footer floating above the bottom of a short page.
const shellChecks = `(async () => {
  await document.fonts.ready;
  const out = [], de = document.documentElement;
  if (de.scrollWidth > innerWidth) out.push("page " + de.scrollWidth + " px wide on " + innerWidth + " px");
  const skip = ["hidden", "checkbox", "radio", "submit", "button", "file"];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.tagName === "INPUT" && skip.includes(el.type) || el.offsetParent === null) continue;
    const cs = getComputedStyle(el);
    if (!(parseFloat(cs.borderBottomWidth) > 0) || cs.borderBottomStyle === "none" || /transparent|rgba\(.*, 0\)/.test(cs.borderBottomColor))
      out.push("field without an underline: #" + el.id);
  }
  // A field without a type (Bootstrap Italia underlines only typed ones).
  const probe = document.createElement("div");
  probe.innerHTML = '<input class="form-control"><textarea class="form-control"></textarea><select class="form-select"></select>';
  document.querySelector("main").append(probe);
  for (const el of probe.children) { const cs = getComputedStyle(el);
    if (!(parseFloat(cs.borderBottomWidth) > 0) || /transparent|rgba\(.*, 0\)/.test(cs.borderBottomColor)) out.push("untyped " + el.tagName + " without an underline"); }
  probe.remove();
  const titillium = [...document.fonts].some(f => f.family.replace(/["']/g, "") === "Titillium Web" && f.status === "loaded");
  if (!titillium || !document.fonts.check('16px "Titillium Web"')) out.push("Titillium Web is not loaded");
  if (!/Titillium Web/.test(getComputedStyle(document.querySelector("h1")).fontFamily)) out.push("the heading is not in Titillium Web");
  const foot = document.querySelector("footer").getBoundingClientRect();
  if (de.scrollHeight <= innerHeight && Math.abs(foot.bottom - innerHeight) > 1) out.push("footer ends at " + foot.bottom + " of " + innerHeight);
  return JSON.stringify(out);
})()`

// look runs shellChecks and axe-core on the page of ctx, keeps its
// screenshot and reports what is wrong.
func look(t *testing.T, ctx context.Context, what, shot string) {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](shellChecks, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var problems []string
	if err := json.Unmarshal([]byte(out), &problems); err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", what, p)
	}
	bad, err := webtest.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range bad {
		t.Errorf("%s: axe: %s", what, v)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, shot, png)
}

// visible says whether the element of sel is drawn.
func visible(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const e = document.querySelector(%q);
		return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden" })()`, sel)))
	if err != nil {
		t.Fatal(err)
	}
	return shown
}

// TestShellOnPhoneAndDesktop walks the sign-in page (fresh and refused)
// and a signed-in page at a phone's width and a desktop's: nothing wider
// than the screen, visible fields, Titillium Web, no serious axe-core
// violation; the member's menu opens and holds its entries; on the phone
// the navigation hides behind its toggle.
func TestShellOnPhoneAndDesktop(t *testing.T) {
	w := moduletest.New(t)
	const alpha = moduletest.Alpha
	w.Elsewhere(t, w.A, `UPDATE users SET display_name = 'Amministratrice con un nome davvero molto lungo' WHERE email = 'admin@alpha.example'`)
	for _, width := range []int64{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)); err != nil {
				t.Fatal(err)
			}
			err := chromedp.Do(ctx, chromedp.Navigate(alpha+"/lang?l=it&return_to=/auth/login"), chromedp.WaitVisible(chromedp.ID("email")))
			if err != nil {
				t.Fatal(err)
			}
			look(t, ctx, "sign-in", fmt.Sprintf("shell-%d-1-sign-in.png", width))
			refused(t, ctx, width)
			err = chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("email"), "admin@alpha.example"),
				chromedp.SetValue(chromedp.ID("password"), moduletest.Password),
				chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.ID("user-menu-toggle")),
				chromedp.Navigate(alpha+"/dashboard"), chromedp.WaitVisible(chromedp.ID("user-menu-toggle")))
			if err != nil {
				t.Fatal(err)
			}
			look(t, ctx, "dashboard", fmt.Sprintf("shell-%d-3-dashboard.png", width))
			userMenu(t, ctx, width)
			if width < 992 {
				navigation(t, ctx, width)
			} else if !visible(t, ctx, "#main-nav .nav-link") {
				t.Error("the desktop hides the navigation")
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(alpha+"/no-such-page"), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
				t.Fatal(err)
			}
			look(t, ctx, "error page", fmt.Sprintf("shell-%d-6-error.png", width))
		})
	}
}

// refused signs in with a wrong password: the error summary links to the
// e-mail field and keeps clear of its label; the button and the "forgot"
// link have room between them.
func refused(t *testing.T, ctx context.Context, width int64) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("email"), "admin@alpha.example"),
		chromedp.SetValue(chromedp.ID("password"), "sbagliata"),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.CSS(`.error-summary a[href="#email"]`)))
	if err != nil {
		t.Fatal(err)
	}
	look(t, ctx, "refused sign-in", fmt.Sprintf("shell-%d-2-refused.png", width))
	gaps, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const r = s => document.querySelector(s).getBoundingClientRect();
		return [r('label[for="email"]').top - r(".error-summary").bottom, r('a[href="/auth/reset"]').top - r('button[type="submit"].btn-primary').bottom];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if gaps[0] < 8 {
		t.Errorf("the e-mail label is %.0f px under the error summary", gaps[0])
	}
	if gaps[1] < 8 {
		t.Errorf("the \"forgot\" link is %.0f px under the button", gaps[1])
	}
}

// userMenu opens the member's menu: it holds their profile, their
// activities, the administration (an admin's), the password and sign out.
func userMenu(t *testing.T, ctx context.Context, width int64) {
	t.Helper()
	if visible(t, ctx, "#user-menu") {
		t.Error("the member's menu is open before it is asked for")
	}
	err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("user-menu-toggle")), chromedp.WaitVisible(chromedp.ID("user-menu")))
	if err != nil {
		t.Fatalf("the member's menu does not open: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("user-menu")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Il mio profilo", "Le mie attività", "Amministrazione", "Cambia password", "Esci"} {
		if !strings.Contains(text, want) {
			t.Errorf("the member's menu lacks %q: %q", want, text)
		}
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const r = document.querySelector("#user-menu").getBoundingClientRect();
		return r.left >= 0 && r.right <= innerWidth && document.documentElement.scrollWidth <= innerWidth })()`))
	if err != nil || !out {
		t.Errorf("the open menu leaves the screen (%v)", err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, fmt.Sprintf("shell-%d-4-user-menu.png", width), png)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("user-menu-toggle")), chromedp.WaitNotVisible(chromedp.ID("user-menu"))); err != nil {
		t.Fatal(err)
	}
}

// navigation checks that on a phone the navigation waits behind its toggle
// and opens with it.
func navigation(t *testing.T, ctx context.Context, width int64) {
	t.Helper()
	if visible(t, ctx, "#main-nav .nav-link") {
		t.Error("the phone shows the whole navigation before the content")
	}
	err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".custom-navbar-toggler")), chromedp.WaitVisible(chromedp.CSS("#main-nav .nav-link")))
	if err == nil { // it slides in
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#main-nav .menu-wrapper").getBoundingClientRect().left >= 0`))
	}
	if err != nil {
		t.Fatalf("the navigation does not open: %v", err)
	}
	bad, err := webtest.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range bad {
		t.Errorf("open navigation: axe: %s", v)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, fmt.Sprintf("shell-%d-5-navigation.png", width), png)
}

// noScripts turns the page's scripts off.
func noScripts(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
	_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	return chromedp.Void{}, err
}

// TestShellWithoutScripts: on a phone with scripts off the navigation is a
// plain list and the member's menu opens as its link's target.
func TestShellWithoutScripts(t *testing.T) {
	w := moduletest.New(t)
	const alpha = moduletest.Alpha
	ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 800), noScripts,
		chromedp.Navigate(alpha+"/auth/login"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SetValue(chromedp.ID("email"), "anna@alpha.example"), chromedp.SetValue(chromedp.ID("password"), moduletest.Password),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.ID("user-menu-toggle")))
	if err != nil {
		t.Fatal(err)
	}
	if visible(t, ctx, ".custom-navbar-toggler") || !visible(t, ctx, "#main-nav .nav-link") {
		t.Error("without scripts the navigation hides behind a toggle that cannot open")
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > innerWidth`))
	if err != nil || wide {
		t.Errorf("without scripts the page is wider than the phone (%v)", err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, "shell-390-no-script.png", png)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("user-menu-toggle")), chromedp.WaitVisible(chromedp.ID("user-menu"))); err != nil {
		t.Fatalf("without scripts the member's menu does not open: %v", err)
	}
	if png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot()); err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, "shell-390-no-script-menu.png", png)
}
