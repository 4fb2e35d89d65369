package webtest

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// Payloads are known stored-XSS attempts: script tags, event handlers,
// javascript: and data: URLs, SVG and MathML, CSS expressions, markup that
// breaks out of attributes and of our own markers.
var Payloads = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=//evil.example/x.js></SCRIPT>`,
	`<img src=x onerror=alert(1)>`,
	`<img src="javascript:alert(1)">`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<body onload=alert(1)>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<a href="javascript:alert(1)">clic</a>`,
	`<a href="JaVaScRiPt:alert(1)">clic</a>`,
	`<a href="&#106;avascript:alert(1)">clic</a>`,
	`<a href=" javascript:alert(1)">clic</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">clic</a>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<div style="width: expression(alert(1))">x</div>`,
	`<style>@import 'http://evil.example/x.css';</style>`,
	`"><script>alert(1)</script>`,
	`'><img src=x onerror=alert(1)>`,
	`</textarea><script>alert(1)</script>`,
	`</title><script>alert(1)</script>`,
	`<input autofocus onfocus=alert(1)>`,
	`<details open ontoggle=alert(1)>`,
	`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
	`<object data="javascript:alert(1)"></object>`,
	`<embed src="javascript:alert(1)">`,
	`<form action="javascript:alert(1)"><button>x</button></form>`,
	`<button formaction="javascript:alert(1)">x</button>`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<base href="javascript:alert(1)//">`,
	`<marquee onstart=alert(1)>x</marquee>`,
	`<video><source onerror=alert(1)></video>`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	"\x02<script>alert(1)</script>\x03",
	`{{.CSRF}} <%= 7*7 %> ${7*7}`,
}

// Inert says what in a rendered page could run code: a script that is not
// one of the site's own (/static/), an event-handler attribute, a
// javascript:/data: URL, a CSS expression, a refresh or base element, an
// iframe, object or embed. It returns "" for a page that is inert.
func Inert(page string) string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "unparseable page: " + err.Error()
	}
	var bad string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if bad != "" {
			return
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				if !ownScript(n) {
					bad = "a script that is not the site's"
				}
			case "iframe", "object", "embed", "base", "frame", "frameset":
				bad = "a <" + n.Data + "> element"
			case "meta":
				if strings.EqualFold(attr(n, "http-equiv"), "refresh") {
					bad = "a meta refresh"
				}
			case "style":
				if inBody(n) {
					bad = "a <style> element in the body"
				}
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				switch {
				case strings.HasPrefix(k, "on"):
					bad = "an event handler " + a.Key
				case (k == "href" || k == "src" || k == "action" || k == "formaction" || k == "xlink:href" || k == "data") &&
					(strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:") || strings.HasPrefix(v, "vbscript:")):
					bad = "a script URL in " + a.Key
				case k == "style" && (strings.Contains(v, "expression(") || strings.Contains(v, "javascript:") || strings.Contains(v, "url(")):
					bad = "a style with code"
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return bad
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func inBody(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "body" {
			return true
		}
	}
	return false
}

// ownScript: the layout's scripts, files under /static/ and the one line
// that tells Bootstrap Italia where its fonts are.
func ownScript(n *html.Node) bool {
	if src := attr(n, "src"); src != "" {
		return strings.HasPrefix(src, "/static/")
	}
	text := ""
	if n.FirstChild != nil && n.FirstChild == n.LastChild && n.FirstChild.Type == html.TextNode {
		text = n.FirstChild.Data
	}
	return ownInline.MatchString(text)
}

var ownInline = regexp.MustCompile(`^window\.__PUBLIC_PATH__ = "(\\?/static)(\\?/[A-Za-z0-9._-]+)*";$`)
