package search_test

import (
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/modules/search"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, search.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

var idRE = regexp.MustCompile(`/communities/(\d+)`)

func hits(t *testing.T, b *moduletest.Browser, site, q string) string {
	t.Helper()
	code, page := b.Get(site + "/search?q=" + url.QueryEscape(q))
	if code != 200 {
		t.Fatalf("search %q: %d", q, code)
	}
	i := strings.Index(page, `id="hits"`)
	if i < 0 {
		t.Fatalf("search %q: no results list", q)
	}
	return page[i:]
}

func TestSearch(t *testing.T) {
	w := moduletest.New(t)
	validator := w.Browser(t, alpha, "validator")
	anna := w.Browser(t, alpha, "anna")
	bruno := w.Browser(t, alpha, "bruno")
	guest := w.Browser(t, alpha, "")
	post := func(b *moduletest.Browser, form url.Values) {
		t.Helper()
		if res, body := b.Post(alpha+"/news/new", alpha+"/news", form); res.StatusCode != 303 {
			t.Fatalf("write %s: %d %s", form.Get("title"), res.StatusCode, body)
		}
	}
	post(validator, url.Values{"title": {"Nuove biciclette elettriche"}, "body": {"Le biciclette elettriche arrivano nei comuni della provincia. <script>alert(1)</script>"},
		"language": {"it"}, "scope_kind": {"tenant"}, "public": {"1"}, "action": {"publish"}})
	post(validator, url.Values{"title": {"Running tracks reopen"}, "body": {"The athletes are running again."}, "language": {"en"}, "scope_kind": {"tenant"}, "action": {"publish"}})
	post(anna, url.Values{"title": {"Bozza sulle biciclette"}, "body": {"Ancora in bozza."}, "language": {"it"}, "scope_kind": {"tenant"}})
	if code, _ := anna.Send(alpha+"/communities/new", alpha+"/communities", url.Values{"name": {"Tavolo ciclabile"}, "kind": {"closed"}, "description": {"Riservato ai tecnici comunali."}}); code != 303 {
		t.Fatal(code)
	}
	_, page := anna.Get(alpha + "/communities")
	cid := idRE.FindStringSubmatch(page[strings.Index(page, `id="communities"`):])[1]
	post(anna, url.Values{"title": {"Verbale riservato"}, "body": {"Parola chiave: velocipede."}, "language": {"it"}, "scope_kind": {"communities"}, "scope_communities": {cid}, "action": {"publish"}})

	// Italian stemming: the singular finds the plural, highlighted; the text is escaped.
	got := hits(t, bruno, alpha, "bicicletta")
	if !strings.Contains(got, "Nuove biciclette elettriche") || !strings.Contains(got, "<mark>biciclette</mark>") {
		t.Errorf("Italian search: %s", got)
	}
	if strings.Contains(got, "<script>") {
		t.Error("a snippet carries a live script tag")
	}
	if strings.Contains(got, "Bozza sulle biciclette") {
		t.Error("someone else's draft is found")
	}
	if !strings.Contains(hits(t, anna, alpha, "bicicletta"), "Bozza sulle biciclette") {
		t.Error("the author does not find their own draft")
	}
	// English stemming.
	if got := hits(t, bruno, alpha, "run"); !strings.Contains(got, "Running tracks reopen") {
		t.Errorf("English search: %s", got)
	}
	// Scope inside the search: the closed community's item and the community itself.
	for _, q := range []string{"velocipede", "tecnici comunali"} {
		if got := hits(t, bruno, alpha, q); strings.Contains(got, "Verbale riservato") || strings.Contains(got, "Tavolo ciclabile") {
			t.Errorf("a non-member finds the closed community's %q", q)
		}
	}
	if got := hits(t, anna, alpha, "velocipede"); !strings.Contains(got, "Verbale riservato") {
		t.Error("the member does not find the community's item")
	}
	if got := hits(t, anna, alpha, "tecnici"); !strings.Contains(got, "Tavolo ciclabile") {
		t.Error("the member does not find the community")
	}
	// Guests find public items only; people and communities are for members.
	if got := hits(t, guest, alpha, "biciclette"); !strings.Contains(got, "Nuove biciclette") {
		t.Error("a guest does not find a public item")
	}
	if got := hits(t, guest, alpha, "running"); strings.Contains(got, "Running tracks") {
		t.Error("a guest finds a members' item")
	}
	if got := hits(t, guest, alpha, "Anna"); strings.Contains(got, "/people/") {
		t.Error("a guest finds people")
	}
	// People by name and competency; organisations by name.
	if code, _ := anna.Send(alpha+"/profile", alpha+"/profile", url.Values{"name": {"Anna Verdi"}, "competencies": {"cartografia"}, "notify_frequency": {"daily"}}); code != 303 {
		t.Fatal(code)
	}
	if got := hits(t, bruno, alpha, "cartografia"); !strings.Contains(got, "Anna Verdi") {
		t.Errorf("people search: %s", got)
	}
	if code, _ := anna.Send(alpha+"/organizations/new", alpha+"/organizations", url.Values{"name": {"Ciclofficina Popolare"}}); code != 303 {
		t.Fatal(code)
	}
	if got := hits(t, bruno, alpha, "ciclofficina"); !strings.Contains(got, "Ciclofficina Popolare") {
		t.Errorf("organisation search: %s", got)
	}
	// Another tenant finds nothing of alpha's.
	other := w.Browser(t, beta, "anna")
	for _, q := range []string{"biciclette", "velocipede", "cartografia", "ciclofficina", "running"} {
		if got := hits(t, other, beta, q); strings.Contains(got, "href=") {
			t.Errorf("beta's member finds alpha's %q: %s", q, got)
		}
	}
}

// A snippet is cut around the word where it appears late in a long text:
// the word is marked, and the snippet says it starts inside the text.
func TestSnippetOfALongText(t *testing.T) {
	w := moduletest.New(t)
	validator := w.Browser(t, alpha, "validator")
	filler := strings.Repeat("Il consiglio comunale discute il bilancio della provincia con le associazioni. ", 30)
	form := url.Values{"title": {"Verbale della seduta"}, "body": {filler + "In chiusura si parla del girasole in piazza. " + filler},
		"language": {"it"}, "scope_kind": {"tenant"}, "public": {"1"}, "action": {"publish"}}
	if res, body := validator.Post(alpha+"/news/new", alpha+"/news", form); res.StatusCode != 303 {
		t.Fatalf("write: %d %s", res.StatusCode, body)
	}
	got := hits(t, validator, alpha, "girasole")
	if !strings.Contains(got, "Verbale della seduta") || !strings.Contains(got, "<mark>girasole</mark>") || !strings.Contains(got, "… ") {
		t.Errorf("the snippet of a word far into a long text: %s", got[:min(len(got), 2000)])
	}
}

// A rich text's snippet reads as its text: tags gone, apostrophes and
// ampersands as written (the stored HTML writes them as character
// references), a typed tag shown as text, never as a tag; the part cut
// around the word starts and ends on whole text even when it falls
// inside a tag or a reference. A summary (plain text) before the body is
// shown as written.
func TestSnippetOfRichText(t *testing.T) {
	w := moduletest.New(t)
	validator := w.Browser(t, alpha, "validator")
	filler := strings.Repeat(`Il <a href="/files/1">consiglio</a> discute l'ordine &amp; il bilancio. `, 12)
	form := url.Values{"title": {"Seduta aperta"}, "summary": {"Sintesi: a < b & \"c\""},
		"body":     {"<p>" + filler + "<strong>Tra le novità</strong>, l'innovazione &amp; la ricerca &lt;script&gt;alert(1)&lt;/script&gt; del girasole in piazza.</p><p>" + filler + "</p>"},
		"language": {"it"}, "scope_kind": {"tenant"}, "public": {"1"}, "action": {"publish"}}
	if res, body := validator.Post(alpha+"/news/new", alpha+"/news", form); res.StatusCode != 303 {
		t.Fatalf("write: %d %s", res.StatusCode, body)
	}
	got := hits(t, validator, alpha, "girasole")
	if end := strings.Index(got, "</ol>"); end > 0 {
		got = got[:end]
	}
	for _, want := range []string{"<mark>girasole</mark>", "&amp; la ricerca &lt;script&gt;alert(1)&lt;/script&gt; del", "discute l&#39;ordine &amp; il bilancio", "… "} {
		if !strings.Contains(got, want) {
			t.Errorf("the snippet lacks %q: %s", want, got)
		}
	}
	for _, bad := range []string{"&amp;#39;", "&amp;amp;", "&lt;strong", "&lt;/p", "href=&#34;", "<script", "<strong>", "&lt;a ", "&#39;&gt;"} {
		if strings.Contains(got, bad) {
			t.Errorf("the snippet shows %q: %s", bad, got)
		}
	}
	// A plain summary before the body: its characters as typed.
	got = hits(t, validator, alpha, "sintesi")
	if !strings.Contains(got, "<mark>Sintesi</mark>: a &lt; b &amp; &#34;c&#34;") {
		t.Errorf("the summary's snippet: %s", got)
	}
}
