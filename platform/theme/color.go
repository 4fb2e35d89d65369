// Package theme recolours Bootstrap Italia for a tenant: it checks a primary
// colour against WCAG contrast, derives the palette the way Bootstrap Italia
// does (shades in HSB), and fills a stylesheet template extracted from the
// vendored Bootstrap Italia CSS with the tenant's colours.
package theme

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/piazza-pa/piazza/platform"
)

// Color is an sRGB colour.
type Color struct{ R, G, B uint8 }

// ErrBadColor is a colour that is not #rrggbb.
var ErrBadColor = platform.NewKeyedError(platform.ErrInvalid, "theme.error.bad_color", "a colour is written #rrggbb, e.g. #0066cc")

// ParseHex reads #rrggbb (or #rgb).
func ParseHex(s string) (Color, error) {
	s = strings.TrimPrefix(strings.TrimSpace(strings.ToLower(s)), "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return Color{}, ErrBadColor
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return Color{}, ErrBadColor
	}
	return Color{uint8(v >> 16), uint8(v >> 8), uint8(v)}, nil
}

// Hex writes c as #rrggbb.
func (c Color) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

func channel(v uint8) float64 {
	c := float64(v) / 255
	if c <= 0.03928 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

// Luminance is the WCAG relative luminance.
func (c Color) Luminance() float64 {
	return 0.2126*channel(c.R) + 0.7152*channel(c.G) + 0.0722*channel(c.B)
}

// Contrast is the WCAG contrast ratio of a and b (1 to 21).
func Contrast(a, b Color) float64 {
	la, lb := a.Luminance(), b.Luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// White is white text.
var White = Color{255, 255, 255}

// MinContrast is WCAG AA for normal text.
const MinContrast = 4.5

// ContrastError refuses a primary colour on which white text is unreadable,
// suggesting the nearest darker shade that passes.
type ContrastError struct {
	Color      Color
	Ratio      float64
	Suggestion Color
}

func (e *ContrastError) Error() string {
	return fmt.Sprintf("white text on %s has a contrast of %.2f:1, below the %.1f:1 that WCAG AA requires; try %s",
		e.Color.Hex(), e.Ratio, MinContrast, e.Suggestion.Hex())
}

// Unwrap makes it an invalid-input error.
func (e *ContrastError) Unwrap() error { return platform.ErrInvalid }

// CheckPrimary accepts a primary colour when white text on it passes WCAG AA.
func CheckPrimary(c Color) error {
	r := Contrast(White, c)
	if r >= MinContrast {
		return nil
	}
	h, s, b := c.HSB()
	for b > 0 {
		b -= 0.01
		if d := FromHSB(h, s, b); Contrast(White, d) >= MinContrast {
			return &ContrastError{Color: c, Ratio: r, Suggestion: d}
		}
	}
	return &ContrastError{Color: c, Ratio: r, Suggestion: Color{}}
}

// HSB returns hue (0-360), saturation and brightness (0-1).
func (c Color) HSB() (h, s, b float64) {
	r, g, bl := float64(c.R)/255, float64(c.G)/255, float64(c.B)/255
	max, min := math.Max(r, math.Max(g, bl)), math.Min(r, math.Min(g, bl))
	d := max - min
	switch {
	case d == 0:
		h = 0
	case max == r:
		h = 60 * math.Mod((g-bl)/d, 6)
	case max == g:
		h = 60 * ((bl-r)/d + 2)
	default:
		h = 60 * ((r-g)/d + 4)
	}
	if h < 0 {
		h += 360
	}
	if max > 0 {
		s = d / max
	}
	return h, s, max
}

// FromHSB builds a colour from hue (0-360), saturation and brightness (0-1).
func FromHSB(h, s, b float64) Color {
	s, b = clamp(s), clamp(b)
	c := b * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := b - c
	var r, g, bl float64
	switch {
	case h < 60:
		r, g, bl = c, x, 0
	case h < 120:
		r, g, bl = x, c, 0
	case h < 180:
		r, g, bl = 0, c, x
	case h < 240:
		r, g, bl = 0, x, c
	case h < 300:
		r, g, bl = x, 0, c
	default:
		r, g, bl = c, 0, x
	}
	to := func(v float64) uint8 { return uint8(math.Round((v + m) * 255)) }
	return Color{to(r), to(g), to(bl)}
}

func clamp(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// Palette is the primary colour's shades, lightest (A1) to darkest (A12),
// derived in HSB like Bootstrap Italia's $primary-a1 … $primary-a12: the
// light ones lower the saturation at full brightness, the dark ones lower
// the brightness at full saturation.
func Palette(c Color) [12]Color {
	h, s, b := c.HSB()
	var p [12]Color
	light := []float64{0.08, 0.16, 0.3, 0.45, 0.6, 0.8}
	for i, f := range light {
		p[i] = FromHSB(h, s*f, math.Max(b, 0.9)+(1-math.Max(b, 0.9))*(1-f))
	}
	dark := []float64{1, 0.88, 0.75, 0.6, 0.45, 0.3}
	for i, f := range dark {
		p[6+i] = FromHSB(h, math.Min(1, s*1.05), b*f)
	}
	return p
}
