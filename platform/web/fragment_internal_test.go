package web

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestKeptNavigation: a page shows the navigation its shell keeps exactly
// as the layout renders it, each language and each marked section its
// own, and an entry's label written by a tenant stays escaped.
func TestKeptNavigation(t *testing.T) {
	shell, layout := testPage(t, `{{define "content"}}<p>x</p>{{end}}`)
	bare := *shell // a shell that keeps nothing: the layout renders the navigation itself
	bare.fragments = nil
	page := func(lang, path string, kept bool) string {
		t.Helper()
		p := Page{Static: shell.static, L: shell.I18n.For(lang), Site: "Comune", Path: path, Languages: []string{"it", "en"}, Unread: -1, shell: &bare}
		if kept {
			p.shell = shell
		}
		for _, s := range []string{"news", "proposals", `<script>alert(1)</script>`} {
			p.Nav = append(p.Nav, Link{Label: s, URL: "/" + s, Active: p.Current("/" + s)})
		}
		var b bytes.Buffer
		if err := layout.ExecuteTemplate(&b, "layout", p); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, c := range []struct{ lang, path string }{{"it", "/news"}, {"it", "/proposals/3"}, {"en", "/news"}, {"it", "/news"}} {
		want := page(c.lang, c.path, false)
		for range 2 { // rendered, then kept
			if got := page(c.lang, c.path, true); got != want {
				t.Fatalf("%s %s: kept navigation differs:\n%s\nwant\n%s", c.lang, c.path, got, want)
			}
		}
		if strings.Contains(want, "<script>alert") {
			t.Fatalf("%s %s: a label is not escaped", c.lang, c.path)
		}
	}
	news, proposals := page("it", "/news", true), page("it", "/proposals/3", true)
	if !strings.Contains(news, `href="/news" aria-current="page"`) || strings.Contains(news, `href="/proposals" aria-current="page"`) ||
		!strings.Contains(proposals, `href="/proposals" aria-current="page"`) {
		t.Fatal("the kept navigation does not mark the page's own section")
	}
	if it, en := page("it", "/news", true), page("en", "/news", true); it == en {
		t.Fatal("one navigation kept for two languages")
	}
	if n := keptOf(shell, "nav"); n != 3 {
		t.Fatalf("kept %d navigations, want 3 (two sections in Italian, one in English)", n)
	}
}

// keptOf counts the parts shell keeps of a kind (nav, languages, user).
func keptOf(shell *Shell, kind string) int {
	n := 0
	for k := range shell.fragments.kept {
		if strings.HasPrefix(k, kind+"\x00") {
			n++
		}
	}
	return n
}

// TestKeptLanguagesAndMenu: a page shows the language switch and the
// member's menu its shell keeps exactly as the layout renders them; each
// page's switch returns to that page, each member's menu has their own
// name, counts and CSRF token (a member never sees another's), and a
// name written by a member stays escaped.
func TestKeptLanguagesAndMenu(t *testing.T) {
	shell, layout := testPage(t, `{{define "content"}}<p>x</p>{{end}}`)
	bare := *shell
	bare.fragments = nil
	type member struct {
		name, csrf string
		unread     int
		menu       []MenuLink
	}
	page := func(lang, path string, m member, kept bool) string {
		t.Helper()
		p := Page{Static: shell.static, L: shell.I18n.For(lang), Site: "Comune", Path: path, Languages: []string{"it", "en"},
			User: m.name, CSRF: m.csrf, Unread: m.unread, Menu: m.menu, SignOut: "/logout", Account: "/account", shell: &bare}
		if kept {
			p.shell = shell
		}
		var b bytes.Buffer
		if err := layout.ExecuteTemplate(&b, "layout", p); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	anna := member{"Anna Bianchi", "token-anna", 0, []MenuLink{{Label: "Le mie proposte", URL: "/proposals/mine", Count: 2}}}
	bruno := member{`<script>alert("bruno")</script>`, "token-bruno", 3, []MenuLink{{Label: "Le mie proposte", URL: "/proposals/mine", Count: 120, More: true}}}
	annaLater, annaPhone := anna, anna
	annaLater.unread, annaLater.menu = 1, []MenuLink{{Label: "Le mie proposte", URL: "/proposals/mine", Count: 3}}
	annaPhone.csrf = "token-anna-phone" // her other browser
	for _, c := range []struct {
		lang, path string
		m          member
	}{{"it", "/dashboard", anna}, {"it", "/dashboard", bruno}, {"it", "/news/7", anna}, {"en", "/dashboard", anna}, {"it", "/dashboard", annaLater},
		{"it", "/dashboard", annaPhone}} {
		want := page(c.lang, c.path, c.m, false)
		for range 2 { // rendered, then kept
			if got := page(c.lang, c.path, c.m, true); got != want {
				t.Fatalf("%s %s as %s: the kept parts differ:\n%s\nwant\n%s", c.lang, c.path, c.m.name, got, want)
			}
		}
		got := page(c.lang, c.path, c.m, true)
		if tokens := regexp.MustCompile(`token-[a-z-]+`).FindAllString(got, -1); len(tokens) == 0 || slices.ContainsFunc(tokens, func(s string) bool { return s != c.m.csrf }) {
			t.Fatalf("%s %s as %s (%s): the page holds the tokens %v", c.lang, c.path, c.m.name, c.m.csrf, tokens)
		}
		if !strings.Contains(want, "return_to="+strings.ReplaceAll(c.path, "/", "%2f")) {
			t.Fatalf("%s %s: the language switch does not return to the page", c.lang, c.path)
		}
	}
	if got := page("it", "/dashboard", bruno, true); strings.Contains(got, "<script>alert") || !strings.Contains(got, ">120+<") {
		t.Fatal("bruno's menu: the name is not escaped or the count is not shown")
	}
	if got := page("it", "/dashboard", annaLater, true); !strings.Contains(got, `<span class="badge bg-danger">1</span>`) {
		t.Fatal("anna's menu does not show her new unread count")
	}
	// anna in two languages, bruno, anna later and on her phone; the
	// switch of two pages in Italian and one in English
	if u, l := keptOf(shell, "user"), keptOf(shell, "languages"); u != 5 || l != 3 {
		t.Fatalf("kept %d menus and %d language switches, want 5 and 3", u, l)
	}
}

// TestKeptPartsBounded: past fragmentLimit parts, one is dropped for each
// new one.
func TestKeptPartsBounded(t *testing.T) {
	shell, err := NewShellFrom()
	if err != nil {
		t.Fatal(err)
	}
	p := Page{Static: shell.static, L: shell.I18n.For("it"), shell: shell}
	for i := range fragmentLimit + 10 {
		p.Nav = []Link{{Label: "n" + strings.Repeat("x", i%7), URL: "/s" + string(rune('a'+i%26)) + strings.Repeat("y", i/26)}}
		h, err := p.NavHTML()
		if err != nil || !strings.Contains(string(h), p.Nav[0].URL) {
			t.Fatalf("navigation %d: %v %q", i, err, h)
		}
	}
	if n := len(shell.fragments.kept); n != fragmentLimit {
		t.Fatalf("kept %d parts, want the bound %d", n, fragmentLimit)
	}
}
