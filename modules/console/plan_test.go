package console_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestPlansInTheConsole: only a signed-in operator reaches the plans, with
// a CSRF token; a bad field is refused next to it and nothing is written;
// a tenant's page shows its usage against its plan and moves it to
// another; a tenant's admin finds no plan page on their site.
func TestPlansInTheConsole(t *testing.T) {
	w := moduletest.New(t)
	chrome := operatorBrowser(t, w)
	guest := w.Browser(t, consoleSite, "")
	if _, page := guest.Get(consoleSite + "/plans"); strings.Contains(page, "Standard") || !strings.Contains(page, `name="password"`) {
		t.Fatal("signed out, the plans are shown")
	}
	if code, _ := guest.Send(consoleSite+"/", consoleSite+"/plans", url.Values{"plan_slug": {"furbo"}}); code != 403 {
		t.Fatalf("a plan created signed out: %d", code)
	}
	admin := w.Browser(t, moduletest.Alpha, "admin")
	if code, _ := admin.Get(moduletest.Alpha + "/plans"); code != 404 {
		t.Fatalf("a tenant admin at /plans on their site: %d", code)
	}
	ops := w.Browser(t, consoleSite, "")
	if code, _ := ops.Send(consoleSite+"/", consoleSite+"/login", url.Values{"email": {opsEmail}, "password": {opsPassword}}); code != 303 {
		t.Fatalf("sign-in: %d", code)
	}
	res, _ := ops.Client.PostForm(consoleSite+"/plans", url.Values{"plan_slug": {"senza"}, "plan_name": {"Senza"}, "plan_members": {"5"},
		"plan_storage": {"1GiB"}, "plan_hosts": {"0"}, "plan_idps": {"0"}})
	if res.StatusCode != 403 {
		t.Fatalf("a plan posted without CSRF token: %d", res.StatusCode)
	}
	plan := url.Values{"plan_slug": {"comuni"}, "plan_name": {"Comuni in convenzione"}, "plan_members": {"10"},
		"plan_storage": {"troppo"}, "plan_hosts": {"2"}, "plan_idps": {"1"}}
	code, body := ops.Send(consoleSite+"/plans", consoleSite+"/plans", plan)
	if code != 422 || !regexp.MustCompile(`id="plan_storage-error">troppo non è una dimensione`).MatchString(body) {
		t.Fatalf("bad storage, shown next to its field: %d\n%s", code, body)
	}
	plan.Set("plan_storage", "5GiB")
	if code, body := ops.Send(consoleSite+"/plans", consoleSite+"/plans", plan); code != 201 || !strings.Contains(body, "Comuni in convenzione") {
		t.Fatalf("create a plan: %d", code)
	}
	if code, _ := ops.Get(consoleSite + "/plans/nessuno"); code != 404 {
		t.Fatalf("an unknown plan's page: %d", code)
	}
	if code, body := ops.Send(consoleSite+"/tenants/alpha", consoleSite+"/tenants/alpha/plan", url.Values{"plan": {"comuni"}}); code != 200 ||
		!strings.Contains(body, "Uso del piano Comuni in convenzione") || !strings.Contains(body, "7 su 10") {
		t.Fatalf("move alpha to the plan: %d\n%s", code, body)
	}
	_, body = ops.Get(consoleSite + "/tenants/beta")
	if !strings.Contains(body, "Uso del piano Standard") || !strings.Contains(body, "7 su 100.000") {
		t.Fatalf("beta's usage: %s", body)
	}
	screenshot(t, chrome)
}

// screenshot keeps the console's page of alpha, with its usage, for the
// README (a JPEG under testdata/artefacts).
func screenshot(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Navigate(consoleSite+"/tenants/alpha"), chromedp.WaitVisible(chromedp.CSS(".progress-bar")))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(85))
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, "console-tenant-usage.jpg", shot)
}
