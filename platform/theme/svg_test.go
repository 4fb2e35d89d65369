package theme

import (
	"errors"
	"strings"
	"testing"
)

func TestSanitizeSVG(t *testing.T) {
	evil := `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" onload="alert(1)">
<script>alert(2)</script>
<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(3)"/></body></foreignObject>
<a href="javascript:alert(4)"><rect width="5" height="5"/></a>
<circle cx="5" cy="5" r="4" fill="#06c" onclick="alert(5)" style="background:url(https://evil.example/x)"/>
<image xlink:href="https://evil.example/track.png"/>
<use xlink:href="https://evil.example/sprite.svg#x"/>
<rect fill="url(https://evil.example/f)" width="1" height="1"/>
<path d="M0 0L10 10" stroke="#000"/>
</svg>`
	out, err := SanitizeSVG([]byte(evil))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, bad := range []string{"alert", "script", "foreignObject", "onload", "onclick", "evil.example", "javascript", "xlink", "style="} {
		if strings.Contains(s, bad) {
			t.Errorf("sanitised SVG keeps %q:\n%s", bad, s)
		}
	}
	for _, good := range []string{`<circle cx="5" cy="5" r="4" fill="#06c">`, `<path d="M0 0L10 10" stroke="#000">`, `xmlns="http://www.w3.org/2000/svg"`} {
		if !strings.Contains(s, good) {
			t.Errorf("sanitised SVG lost %q:\n%s", good, s)
		}
	}
	for _, bad := range []string{"", "not xml", "<html><svg/></html>", "<svg><unclosed></svg>"} {
		if _, err := SanitizeSVG([]byte(bad)); !errors.Is(err, ErrBadSVG) {
			t.Errorf("%q accepted", bad)
		}
	}
}
