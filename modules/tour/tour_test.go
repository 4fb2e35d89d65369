// Package tour_test walks every page of the product as its people meet it
// (a guest, a member, a validator, the tenant's admin, the operator), in
// Italian and English, on a phone (390 px) and a desktop (1280 px), and
// checks what a person notices at once; with PIAZZA_GALLERY set to a
// folder it keeps a screenshot of every page there (make gallery).
package tour_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// visitor is someone who tours pages of one site.
type visitor struct {
	who, site string
	// signIn, when set, signs the visitor in (email, password).
	email, password string
	pages           []string
}

func visitors(s seeded) []visitor {
	return []visitor{
		{who: "guest", site: alpha, pages: []string{"/", "/auth/login", "/auth/register", "/auth/reset", "/news", "/news/" + s.PublicNews, "/search?q=bando"}},
		{who: "member", site: alpha, email: "anna@alpha.example", password: moduletest.Password, pages: []string{
			"/", "/dashboard", "/dashboard/inbox", "/news", "/news/new", "/news/" + s.News, "/news/" + s.Mine + "/edit",
			"/discussions", "/discussions/new", "/discussions/" + s.Discussion, "/communities", "/communities/new",
			"/communities/" + s.Open, "/organizations", "/organizations/new", "/organizations/" + s.Organization,
			"/people", "/people/" + s.Anna, "/people/" + s.Bruno, "/profile", "/profile/messages", "/notifications", "/search?q=orti", "/auth/password",
			"/proposals", "/proposals/new", "/proposals/" + s.Proposal, "/proposals/interests/" + s.Interest}},
		{who: "validator", site: alpha, email: "validator@alpha.example", password: moduletest.Password, pages: []string{
			"/dashboard/inbox", "/news/" + s.Mine}},
		{who: "admin", site: alpha, email: "admin@alpha.example", password: moduletest.Password, pages: []string{
			"/admin", "/admin/audit", "/admin/collaboration", "/admin/idps/new", "/admin/branding", "/communities/" + s.Closed, "/communities/" + s.Closed + "/candidates?q=bru"}},
		{who: "operator-guest", site: console, pages: []string{"/"}},
		{who: "operator", site: console, email: operatorEmail, password: operatorPass, pages: []string{"/", "/tenants/alpha"}},
	}
}

var widths = []int64{390, 1280}

// TestTour: on every page, in both languages and at both widths, nothing
// is wider than the screen, every field shows where to type, Titillium
// Web is loaded, the header's links do not overlap, no message key or
// text of the other language shows, and axe-core finds no serious or
// critical violation.
func TestTour(t *testing.T) {
	w := moduletest.New(t)
	s := seed(t, w)
	keys := messageKeys(t)
	gallery := os.Getenv("PIAZZA_GALLERY")
	var shots []shot
	for _, v := range visitors(s) {
		t.Run(v.who, func(t *testing.T) {
			for _, lang := range []string{"it", "en"} {
				// A browser for each language: what one visit leaves behind
				// (a cookie, a cached script) never hides another's problem.
				ctx := webtest.Chromium(t, webtest.HostRules("piazza.test", w.Addr))
				if v.email != "" {
					signIn(t, ctx, v)
				}
				if err := chromedp.Do(ctx, chromedp.Navigate(v.site+"/lang?l="+lang+"&return_to=/")); err != nil && v.site == alpha {
					t.Fatalf("%s switches to %s: %v", v.who, lang, err)
				}
				for _, width := range widths {
					for _, p := range v.pages {
						what := fmt.Sprintf("%s %s %dpx %s", v.who, lang, width, p)
						visit(t, ctx, what, v.site+p, lang, width, keys)
						if gallery != "" && lang == "it" {
							shots = append(shots, keep(t, ctx, gallery, v.who, p, width))
						}
					}
				}
			}
		})
	}
	if gallery != "" {
		writeIndex(t, gallery, shots)
	}
}

// signIn fills the sign-in form (the console's is the same).
func signIn(t *testing.T, ctx context.Context, v visitor) {
	t.Helper()
	start := v.site + "/auth/login"
	if v.site == console {
		start = console + "/"
	}
	err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(start), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), v.email), chromedp.SendKeys(chromedp.ID("password"), v.password),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitNotPresent(chromedp.ID("password")))
	if err != nil {
		t.Fatalf("%s signs in: %v", v.who, err)
	}
}

// visit opens u at width and reports what is wrong with the page.
func visit(t *testing.T, ctx context.Context, what, u, lang string, width int64, keys []string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 844), chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if want := strings.TrimPrefix(strings.TrimPrefix(u, alpha), console); loc != want {
		t.Errorf("%s: ended at %s", what, loc)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](pageChecks, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Errorf("%s: checks: %v", what, err)
		return
	}
	var problems []string
	if err := json.Unmarshal([]byte(raw), &problems); err != nil {
		t.Fatal(err)
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if k := untranslated(text, keys); len(k) > 0 {
		problems = append(problems, "message keys shown: "+strings.Join(k, ", "))
	}
	own, _ := chromedp.Run(ctx, chromedp.Evaluate[string](chromeText))
	if m := foreign[lang].FindAllString(own, 5); len(m) > 0 {
		problems = append(problems, fmt.Sprintf("words of the other language in a %s page: %q", lang, m))
	}
	if htmlLang, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); htmlLang != lang {
		problems = append(problems, "page language "+htmlLang)
	}
	if width == widths[len(widths)-1] {
		bad, err := webtest.Axe(ctx)
		if err != nil {
			problems = append(problems, err.Error())
		}
		for _, v := range bad {
			problems = append(problems, "axe-core: "+v.String())
		}
	}
	for _, p := range problems {
		t.Errorf("%s: %s", what, p)
	}
}

// shot is one screenshot of the gallery.
type shot struct {
	who, page string
	width     int64
	file      string
}

// keep saves the page's full screenshot in dir.
func keep(t *testing.T, ctx context.Context, dir, who, page string, width int64) shot {
	t.Helper()
	img, err := chromedp.Run(ctx, chromedp.FullScreenshot(70))
	if err != nil {
		t.Fatal(err)
	}
	name := strings.Trim(strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(page), "-")
	if name == "" {
		name = "home"
	}
	file := fmt.Sprintf("%s-%s-%d.jpg", who, name, width)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, file), img, 0o644); err != nil {
		t.Fatal(err)
	}
	return shot{who: who, page: page, width: width, file: file}
}

// writeIndex writes the gallery's page: each page at both widths.
func writeIndex(t *testing.T, dir string, shots []shot) {
	t.Helper()
	byPage := map[string][]shot{}
	var order []string
	for _, s := range shots {
		k := s.who + " " + s.page
		if _, ok := byPage[k]; !ok {
			order = append(order, k)
		}
		byPage[k] = append(byPage[k], s)
	}
	var b strings.Builder
	b.WriteString("# Gallery\n\nEvery page of Piazza as its people see it, in Italian, on a phone (390 px) and a desktop (1280 px),\n" +
		"with the test tenant of the scenario tests. Made by `make gallery` (modules/tour); do not edit by hand.\n\n")
	for _, k := range order {
		ss := byPage[k]
		sort.Slice(ss, func(i, j int) bool { return ss[i].width < ss[j].width })
		fmt.Fprintf(&b, "## %s\n\n", k)
		for _, s := range ss {
			fmt.Fprintf(&b, "<img src=\"%s\" alt=\"%s at %d px\" width=\"%d\"> ", s.file, k, s.width, min(s.width/2, 480))
		}
		b.WriteString("\n\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
