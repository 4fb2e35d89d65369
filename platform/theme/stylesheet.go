package theme

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Template is Bootstrap Italia's stylesheet with its primary colour as a
// placeholder: every colour of the primary family, in any notation, is
// replaced when the template is filled. The whole stylesheet is recoloured
// (not an overriding subset), so the cascade stays Bootstrap Italia's own:
// the tenant's stylesheet replaces it.
type Template struct {
	css    string
	places int // primary-family colours found
}

// primaryHue is Bootstrap Italia's default primary (#0066cc = hsl(210,100%,40%)).
const primaryHue = 210

// colourRE finds the colour notations of a stylesheet: hex, rgb(a) and
// hsl(a), and the bare "r, g, b" triplet of --bs-primary-rgb.
var colourRE = regexp.MustCompile(`#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgba?\([^)]*\)|hsla?\([^)]*\)|\b0,\s*102,\s*204\b`)

// parsed is a colour found in the stylesheet.
type parsed struct {
	h, s, l float64 // hue 0-360, saturation and lightness 0-1
	alpha   string  // "" when opaque
	triplet bool    // the bare "r, g, b" form
}

// parseColour reads one match of colourRE.
func parseColour(m string) (parsed, bool) {
	switch {
	case strings.HasPrefix(m, "#"):
		c, err := ParseHex(m)
		if err != nil {
			return parsed{}, false
		}
		h, s, l := c.HSL()
		return parsed{h: h, s: s, l: l}, true
	case strings.HasPrefix(m, "rgb"):
		args := colourArgs(m)
		if len(args) < 3 {
			return parsed{}, false
		}
		var v [3]float64
		for i := range v {
			f, err := strconv.ParseFloat(strings.TrimSuffix(args[i], "%"), 64)
			if err != nil {
				return parsed{}, false
			}
			v[i] = f
		}
		h, s, l := Color{uint8(math.Round(v[0])), uint8(math.Round(v[1])), uint8(math.Round(v[2]))}.HSL()
		p := parsed{h: h, s: s, l: l}
		if len(args) > 3 {
			p.alpha = args[3]
		}
		return p, true
	case strings.HasPrefix(m, "hsl"):
		args := colourArgs(m)
		if len(args) < 3 {
			return parsed{}, false
		}
		h, err1 := strconv.ParseFloat(args[0], 64)
		s, err2 := strconv.ParseFloat(strings.TrimSuffix(args[1], "%"), 64)
		l, err3 := strconv.ParseFloat(strings.TrimSuffix(args[2], "%"), 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return parsed{}, false
		}
		p := parsed{h: h, s: s / 100, l: l / 100}
		if len(args) > 3 {
			p.alpha = args[3]
		}
		return p, true
	default:
		h, s, l := Color{0, 102, 204}.HSL()
		return parsed{h: h, s: s, l: l, triplet: true}, true
	}
}

func colourArgs(m string) []string {
	inner := m[strings.IndexByte(m, '(')+1 : len(m)-1]
	inner = strings.NewReplacer("/", ",").Replace(inner)
	var out []string
	for _, f := range strings.FieldsFunc(inner, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, strings.TrimSpace(f))
	}
	return out
}

// primaryFamily says whether a colour belongs to Bootstrap Italia's primary
// family: hue 210 (±4) with saturation of at least 50% — the greys of hue
// 210 are its neutrals.
func (p parsed) primaryFamily() bool {
	return math.Abs(p.h-primaryHue) <= 4 && p.s >= 0.5
}

// Extract builds the template from Bootstrap Italia's CSS.
func Extract(css string) (*Template, error) {
	t := &Template{css: css}
	for _, m := range colourRE.FindAllString(css, -1) {
		if p, ok := parseColour(m); ok && p.primaryFamily() {
			t.places++
		}
	}
	if t.places == 0 {
		return nil, fmt.Errorf("theme: no primary colour found in the stylesheet")
	}
	return t, nil
}

// Render fills the template with primary colour c, and adds the palette
// as CSS variables for Piazza's own components.
func (t *Template) Render(c Color) string {
	h, s, l := c.HSL()
	var b strings.Builder
	b.Grow(len(t.css) + 512)
	b.WriteString("/* Bootstrap Italia recoloured to " + c.Hex() + " by Piazza */\n:root{")
	for i, shade := range Palette(c) {
		fmt.Fprintf(&b, "--pz-primary-a%d:%s;", i+1, shade.Hex())
	}
	b.WriteString("}\n")
	b.WriteString(recolour(t.css, h, s, l))
	return b.String()
}

// recolour maps each primary-family colour to the tenant's hue, placing its
// lightness between black and the tenant's colour, or between it and white,
// as Bootstrap Italia's shade sits around its base (40%), and keeping its
// saturation in proportion.
func recolour(decls string, h, s, l float64) string {
	base := 0.4
	return colourRE.ReplaceAllStringFunc(decls, func(m string) string {
		p, ok := parseColour(m)
		if !ok || !p.primaryFamily() {
			return m
		}
		nl := l * p.l / base
		if p.l > base {
			nl = l + (p.l-base)*(1-l)/(1-base)
		}
		nl = clamp(nl)
		ns := clamp(s * p.s)
		if p.triplet {
			c := FromHSL(h, ns, nl)
			return fmt.Sprintf("%d, %d, %d", c.R, c.G, c.B)
		}
		out := fmt.Sprintf("%.0f, %.0f%%, %.0f%%", h, ns*100, nl*100)
		if p.alpha != "" {
			return "hsla(" + out + ", " + p.alpha + ")"
		}
		return "hsl(" + out + ")"
	})
}

// HSL returns hue (0-360), saturation and lightness (0-1).
func (c Color) HSL() (h, s, l float64) {
	h, _, _ = c.HSB()
	r, g, b := float64(c.R)/255, float64(c.G)/255, float64(c.B)/255
	max, min := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
	l = (max + min) / 2
	if max != min {
		d := max - min
		if l > 0.5 {
			s = d / (2 - max - min)
		} else {
			s = d / (max + min)
		}
	}
	return h, s, l
}

// FromHSL builds a colour from hue, saturation and lightness.
func FromHSL(h, s, l float64) Color {
	// HSL to HSB: b = l + s·min(l, 1-l); s_b = 2(1 - l/b).
	b := l + s*math.Min(l, 1-l)
	sb := 0.0
	if b > 0 {
		sb = 2 * (1 - l/b)
	}
	return FromHSB(h, sb, b)
}
