package web

import (
	"bytes"
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
	if n := len(shell.fragments.kept); n != 3 {
		t.Fatalf("kept %d navigations, want 3 (two sections in Italian, one in English)", n)
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
