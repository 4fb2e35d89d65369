package theme

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform"
)

func TestContrast(t *testing.T) {
	black, _ := ParseHex("#000")
	if r := Contrast(White, black); math.Abs(r-21) > 0.01 {
		t.Fatalf("white on black %.2f, want 21", r)
	}
	bi, _ := ParseHex("#0066cc") // Bootstrap Italia's own blue passes AA
	if err := CheckPrimary(bi); err != nil {
		t.Fatal(err)
	}
	yellow, _ := ParseHex("#ffcc00")
	err := CheckPrimary(yellow)
	var ce *ContrastError
	if !errors.As(err, &ce) || !errors.Is(err, platform.ErrInvalid) || !strings.Contains(err.Error(), "WCAG AA") {
		t.Fatalf("yellow: %v", err)
	}
	if Contrast(White, ce.Suggestion) < MinContrast {
		t.Fatalf("the suggestion %s fails too", ce.Suggestion.Hex())
	}
	if h, _, _ := ce.Suggestion.HSB(); math.Abs(h-48) > 2 {
		t.Fatalf("the suggestion %s changes the hue", ce.Suggestion.Hex())
	}
	for _, bad := range []string{"", "blue", "#12345", "#gggggg", "rgb(0,0,0)"} {
		if _, err := ParseHex(bad); !errors.Is(err, ErrBadColor) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestHSBRoundTrip(t *testing.T) {
	for _, hex := range []string{"#0066cc", "#ffcc00", "#2e7d32", "#8e24aa", "#000000", "#ffffff", "#b71c1c"} {
		c, _ := ParseHex(hex)
		h, s, b := c.HSB()
		if got := FromHSB(h, s, b).Hex(); got != hex {
			t.Errorf("%s → %s", hex, got)
		}
	}
}

func TestPalette(t *testing.T) {
	c, _ := ParseHex("#0066cc")
	p := Palette(c)
	for i := 1; i < 12; i++ {
		if p[i].Luminance() >= p[i-1].Luminance() {
			t.Fatalf("shade %d (%s) is not darker than %d (%s)", i+1, p[i].Hex(), i, p[i-1].Hex())
		}
	}
	if p[6] != c {
		t.Fatalf("A7 is %s, want the colour itself", p[6].Hex())
	}
}
