package api_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestTokenPageInBrowser: a member reaches the token page from their menu,
// creates a token that writes in a real browser, sees its secret once
// with a curl example for the site's own address, then revokes it; the
// page, with the token listed, passes axe-core in Italian and English.
func TestTokenPageInBrowser(t *testing.T) {
	generous(t)
	w := moduletest.New(t)
	ctx := w.Chrome(t, "anna", "/profile", "footer")
	if linked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('a[href="/profile/tokens"]') !== null`)); err != nil || !linked {
		t.Errorf("the member's menu does not link the token page (%v)", err)
	}
	moduletest.Do(t, ctx, "anna opens the token page from her menu", chromedp.Navigate(moduletest.Alpha+"/profile/tokens"),
		chromedp.WaitVisible(chromedp.ID("name")), chromedp.SendKeys(chromedp.ID("name"), "Script notturno"),
		chromedp.SetValue(chromedp.ID("scope"), "read write"), chromedp.Submit(chromedp.ID("name")),
		chromedp.WaitVisible(chromedp.ID("token-secret")))
	secret, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("secret")))
	if err != nil {
		t.Fatal(err)
	}
	example, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#token-secret code")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "pzt_") || !strings.Contains(example, "Authorization: Bearer "+secret) ||
		!strings.Contains(example, moduletest.Alpha+"/api/v1/me") {
		t.Errorf("the secret %q and the example %q", secret, example)
	}
	if n := query[int](t, w, "alpha", "SELECT count(*) FROM api_tokens WHERE write AND name = 'Script notturno'"); n != 1 {
		t.Errorf("%d tokens that write", n)
	}
	moduletest.Accessible(t, ctx, "anna", "/profile/tokens")
	moduletest.Do(t, ctx, "anna revokes it", chromedp.Navigate(moduletest.Alpha+"/profile/tokens"),
		chromedp.WaitVisible(chromedp.CSS("#tokens button")), chromedp.Click(chromedp.CSS("#tokens button")),
		chromedp.WaitVisible(chromedp.CSS(".alert-success")))
	state, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#tokens tbody tr td:nth-child(6)")))
	if err != nil || (state != "Revocato" && state != "Revoked") {
		t.Errorf("the token's state after revoking: %q %v", state, err)
	}
}
