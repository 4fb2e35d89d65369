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
	if tmpl.places < 100 {
		t.Fatalf("only %d places carry the primary colour", tmpl.places)
	}
	green, _ := ParseHex("#1b5e20")
	out := tmpl.Render(green)
	for _, want := range []string{".it-header-center-wrapper{", "--bs-primary-rgb: 27, 94, 32", "--pz-primary-a1:", "--pz-primary-a12:"} {
		if !strings.Contains(out, want) {
			t.Errorf("the recoloured stylesheet lacks %q", want)
		}
	}
	for _, blue := range []string{"0, 102, 204", "hsl(210, 100%", "hsl(210,100%", "#036}", "rgb(0,76.5,153)", "#0066cc", "#06c;"} {
		if strings.Contains(out, blue) {
			t.Errorf("Bootstrap Italia's blue %s survives", blue)
		}
	}
	// Greys of hue 210 are neutrals: untouched.
	if !strings.Contains(out, "hsl(210,17%,44%)") {
		t.Error("a neutral grey was recoloured")
	}
	// The cascade is Bootstrap Italia's: a primary button keeps its white
	// text, set after the generic .btn rule.
	if !strings.Contains(out, ".btn-primary{color:#fff !important}") || !strings.Contains(out, ".btn-primary{--bs-btn-color: hsl(0, 0%, 100%)") {
		t.Error("the primary button's white text is lost")
	}
	if len(out) < len(css) {
		t.Error("the recoloured stylesheet is not whole")
	}
}

func TestRecolourSmall(t *testing.T) {
	css := `a{color:hsl(210,100%,40%);margin:0}.x{color:hsl(210,17%,44%)}@media (min-width:1px){.y{background:rgba(0, 102, 204, 0.5);content:"{"}}`
	tmpl, err := Extract(css)
	if err != nil {
		t.Fatal(err)
	}
	red, _ := ParseHex("#b71c1c")
	got := tmpl.Render(red)
	if !strings.Contains(got, "a{color:hsl(0, 73%, 41%);margin:0}.x{color:hsl(210,17%,44%)}@media (min-width:1px){.y{background:hsla(0, 73%, 41%, 0.5);content:\"{\"}}") {
		t.Fatalf("render:\n%s", got)
	}
	if _, err := Extract("a{color:red}"); err == nil {
		t.Fatal("a stylesheet without the primary colour was accepted")
	}
}
