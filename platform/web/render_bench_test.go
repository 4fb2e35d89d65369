package web

import (
	"bytes"
	"html/template"
	"testing"
	"testing/fstest"
)

// testPage is a shell and a page of it whose content is the template
// content.
func testPage(tb testing.TB, content string) (*Shell, *template.Template) {
	tb.Helper()
	shell, err := NewShellFrom()
	if err != nil {
		tb.Fatal(err)
	}
	pages, err := shell.Pages(fstest.MapFS{"p.html": {Data: []byte(content)}}, "*.html")
	if err != nil {
		tb.Fatal(err)
	}
	return shell, pages["p.html"]
}

// BenchmarkLayoutRender measures the layout around a page of almost no
// content, as a signed-in member sees it (a navigation of ten sections, a
// user menu of five entries, two languages): the part of every page's
// rendering that the page does not choose.
//
//	go test ./platform/web -run '^$' -bench LayoutRender -benchmem
func BenchmarkLayoutRender(b *testing.B) {
	shell, page := testPage(b, `{{define "content"}}<p>{{.Layout.Site}}</p>{{end}}`)
	p := Page{Static: shell.static, L: shell.I18n.For("it"), Site: "Comune di Prova", User: "Maria Rossi", CSRF: "token", Path: "/dashboard",
		SignOut: "/logout", Account: "/account", Languages: []string{"it", "en"}, Unread: 3, shell: shell}
	for i, s := range []string{"dashboard", "news", "discussions", "communities", "proposals", "projects", "documents", "people", "organizations", "search"} {
		p.Nav = append(p.Nav, Link{Label: s, URL: "/" + s, Active: s == "dashboard"})
		if i < 5 {
			p.Menu = append(p.Menu, MenuLink{Label: s, URL: "/" + s + "/mine", Count: i})
		}
	}
	view := struct {
		Page
		Items []string
	}{Page: p}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := page.ExecuteTemplate(&buf, "layout", view); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}
