package dashboard_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/comment"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// signIn opens a browser signed in as name, landing on path.
func signIn(t *testing.T, w *moduletest.World, name, path, waitFor string) context.Context {
	t.Helper()
	ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
	err := chromedp.Do(ctx, chromedp.Navigate(alpha+"/auth/login?return_to="+path), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), name+"@alpha.example"), chromedp.SendKeys(chromedp.ID("password"), moduletest.Password),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.CSS(waitFor)))
	if err != nil {
		t.Fatalf("%s signs in: %v", name, err)
	}
	return ctx
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	webtest.Artefact(t, name, png)
}

// TestNewsThroughInboxToSearch: a member writes a news item, a validator
// approves it from the inbox without leaving the page, another member finds
// it by a word of its body.
func TestNewsThroughInboxToSearch(t *testing.T) {
	w := moduletest.New(t)
	anna := signIn(t, w, "anna", "/news/new", "#title")
	err := chromedp.Do(anna,
		chromedp.SendKeys(chromedp.ID("title"), "Orti urbani in piazza"),
		chromedp.SendKeys(chromedp.ID("body"), "Dieci nuovi appezzamenti per coltivare zucchine e pomodori."),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("state")))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, anna, "1-member-submits.png")

	validator := signIn(t, w, "validator", "/dashboard/inbox", "#tasks")
	if err := chromedp.Do(validator, chromedp.WaitVisible(chromedp.CSS(`#tasks button.btn-primary`))); err != nil {
		t.Fatal(err)
	}
	shot(t, validator, "2-validator-inbox.png")
	err = chromedp.Do(validator, chromedp.Click(chromedp.CSS(`#tasks button.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#tasks [role="status"]`)))
	if err != nil {
		t.Fatalf("approve in place: %v", err)
	}
	url, _ := chromedp.Run(validator, chromedp.Location())
	if !strings.HasSuffix(url, "/dashboard/inbox") {
		t.Errorf("approving left the inbox for %s", url)
	}
	shot(t, validator, "3-validator-approved.png")

	bruno := signIn(t, w, "bruno", "/search?q=pomodori", "#hits")
	hits, err := chromedp.Run(bruno, chromedp.Text(chromedp.ID("hits")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hits, "Orti urbani in piazza") {
		t.Errorf("the other member does not find it: %q", hits)
	}
	marked, err := chromedp.Run(bruno, chromedp.Text(chromedp.CSS("#hits mark")))
	if err != nil || !strings.EqualFold(marked, "pomodori") {
		t.Errorf("the matched word is not highlighted: %q %v", marked, err)
	}
	shot(t, bruno, "4-member-finds-it.png")

	// bruno comments: a refused comment is told in place with its text
	// kept (htmx), a comment taken shows on the page.
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error { return comment.SetBlacklist(ctx, tx, []string{"truffa"}) })
	err = chromedp.Do(bruno, chromedp.Click(chromedp.CSS("#hits a")), chromedp.WaitVisible(chromedp.ID("comment-body")),
		chromedp.SendKeys(chromedp.ID("comment-body"), "Sembra una truffa"), chromedp.Click(chromedp.CSS("#comment-form button")),
		chromedp.WaitVisible(chromedp.CSS(`#comment-error [role="alert"]`)))
	if err != nil {
		t.Fatalf("a refused comment is not told in place: %v", err)
	}
	if kept, _ := chromedp.Run(bruno, chromedp.Value(chromedp.ID("comment-body"))); kept != "Sembra una truffa" {
		t.Errorf("the refused comment's text was lost: %q", kept)
	}
	shot(t, bruno, "5-comment-refused-in-place.png")
	err = chromedp.Do(bruno, chromedp.SetValue(chromedp.ID("comment-body"), "Bella iniziativa, ci sarò."),
		chromedp.Click(chromedp.CSS("#comment-form button")), chromedp.WaitVisible(chromedp.CSS(".comment-body")))
	if err != nil {
		t.Fatalf("comment: %v", err)
	}
	if text, _ := chromedp.Run(bruno, chromedp.Text(chromedp.CSS(".comment-body"))); !strings.Contains(text, "Bella iniziativa") {
		t.Errorf("the comment taken is not shown: %q", text)
	}
	shot(t, bruno, "6-comment-taken.png")
}
