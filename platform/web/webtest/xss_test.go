package webtest

import "testing"

// TestInertCatches: the check flags the payloads when they are not
// escaped, so a page that passes it has really neutralised them.
func TestInertCatches(t *testing.T) {
	// The template-looking text and the split tag are aimed at naive filters;
	// as raw HTML they run nothing.
	harmlessRaw := map[string]bool{"{{.CSRF}} <%= 7*7 %> ${7*7}": true, "<scr<script>ipt>alert(1)</scr</script>ipt>": true}
	for _, p := range Payloads {
		got := Inert("<!doctype html><html><head></head><body><p>" + p + "</p></body></html>")
		if got == "" && !harmlessRaw[p] {
			t.Errorf("unescaped %q passes as inert", p)
		}
	}
	own := `<!doctype html><html><head><script>window.__PUBLIC_PATH__ = "\/static\/ab12\/vendor\/fonts";</script></head>` +
		`<body><p>&lt;script&gt;alert(1)&lt;/script&gt;</p><a href="/x">x</a><script src="/static/ab12/htmx.min.js"></script></body></html>`
	if got := Inert(own); got != "" {
		t.Errorf("the site's own page: %s", got)
	}
}
