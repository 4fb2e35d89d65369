package theme

import (
	"os"
	"strings"
	"testing"
)

func TestTemplateFromBootstrapItalia(t *testing.T) {
	css, err := os.ReadFile("../web/static/vendor/bootstrap-italia/css/bootstrap-italia.min.css")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := Extract(string(css))
	if err != nil {
		t.Fatal(err)
	}
	if len(tmpl.rules) < 100 {
		t.Fatalf("only %d rules carry the primary colour", len(tmpl.rules))
	}
	green, _ := ParseHex("#1b5e20")
	out := tmpl.Render(green)
	for _, want := range []string{".it-header-center-wrapper{", ".btn-primary{", "--bs-primary-rgb: 27, 94, 32", "--pz-primary-a1:", "--pz-primary-a12:"} {
		if !strings.Contains(out, want) {
			t.Errorf("the recoloured stylesheet lacks %q", want)
		}
	}
	for _, blue := range []string{"0, 102, 204", "hsl(210, 100%", "hsl(210,100%", "#036", "rgb(0,76.5,153)", "#0066cc", "#06c"} {
		if strings.Contains(out, blue) {
			t.Errorf("Bootstrap Italia's blue %s survives", blue)
		}
	}
	for _, band := range []string{".it-footer-small-prints{", ".it-footer-main{"} {
		if !strings.Contains(out, band) {
			t.Errorf("the footer (%s) is not recoloured", band)
		}
	}
	if strings.Count(out, "{") != strings.Count(out, "}") {
		t.Error("unbalanced braces")
	}
	// Greys of hue 210 are neutrals: untouched, and not copied.
	if strings.Contains(out, "hsl(210,17%,44%)") {
		t.Error("a neutral grey was taken for the primary colour")
	}
}

func TestExtractSmall(t *testing.T) {
	css := `a{color:hsl(210,100%,40%);margin:0}.x{color:hsl(210,17%,44%)}@media (min-width:1px){.y{background:rgba(0, 102, 204, 0.5);content:"{"}}@font-face{src:url(a)}`
	tmpl, err := Extract(css)
	if err != nil {
		t.Fatal(err)
	}
	red, _ := ParseHex("#b71c1c")
	got := tmpl.Render(red)
	if !strings.Contains(got, "a{color:hsl(0, 73%, 41%)}") || !strings.Contains(got, "@media (min-width:1px){.y{background:hsla(0, 73%, 41%, 0.5)}}") || strings.Contains(got, ".x{") {
		t.Fatalf("render:\n%s", got)
	}
}
