package news_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// TestSwitchedOff: once the tenant's published look switches news off,
// no news reaches the pages of other modules — search, the dashboard's
// feed, the validator's inbox, a community's page — at that tenant only.
func TestSwitchedOff(t *testing.T) {
	w := moduletest.New(t)
	admin, anna, validator := w.Browser(t, alpha, "admin"), w.Browser(t, alpha, "anna"), w.Browser(t, alpha, "validator")
	if code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Distretto spento"}, "kind": {"open"}}); code != 303 {
		t.Fatal(code)
	}
	_, page := anna.Get(alpha + "/communities?mine=1")
	cid := idRE.FindStringSubmatch(page[strings.Index(page, `id="communities"`):])[1]
	published := write(t, admin, "Notizia campanaria", url.Values{"action": {"publish"}})
	inCommunity := write(t, anna, "Notizia campanaria del distretto", url.Values{"scope_kind": {"communities"}, "scope_communities": {cid}, "action": {"publish"}})
	waiting := write(t, anna, "Notizia campanaria in attesa", url.Values{"action": {"submit"}})
	seen := map[string][]string{ // page → the news it shows while news are offered
		alpha + "/search?q=campanaria":  {published, inCommunity},
		alpha + "/dashboard":            {published},
		alpha + "/communities/" + cid:   {inCommunity},
		alpha + "/dashboard/inbox?as=v": {waiting},
	}
	as := func(p string) *moduletest.Browser {
		if strings.HasSuffix(p, "?as=v") {
			return validator
		}
		return anna
	}
	for p, ids := range seen {
		_, page := as(p).Get(strings.TrimSuffix(p, "?as=v"))
		for _, id := range ids {
			if !strings.Contains(page, `href="/news/`+id+`"`) && !strings.Contains(page, `href="/news/`+id+`/`) {
				t.Fatalf("before switching news off, %s lacks /news/%s", p, id)
			}
		}
	}
	look := w.A.Brand.Published
	look.Off = []string{"news"}
	ctx := context.Background()
	if err := w.Reg.SaveDraft(ctx, w.A.ID, look); err != nil {
		t.Fatal(err)
	}
	if err := w.Reg.Publish(ctx, w.A.ID); err != nil {
		t.Fatal(err)
	}
	anna.Eventually(alpha+"/news", "the section switched off", func(code int, _ string) bool { return code == 404 })
	// Each page stops showing news once the switch has reached the
	// server's caches (their notices arrive apart from the tenant's).
	for p := range seen {
		as(p).Eventually(strings.TrimSuffix(p, "?as=v"), "news switched off, "+p+" still shows news", func(_ int, page string) bool {
			return !strings.Contains(page, `href="/news/`)
		})
	}
	if code, page := w.Browser(t, beta, "anna").Get(beta + "/news"); code != 200 || !strings.Contains(page, `id=`) {
		t.Errorf("the other tenant lost news: %d", code)
	}
}
