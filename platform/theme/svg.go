package theme

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/piazza-pa/piazza/platform"
)

// ErrBadSVG is an SVG that cannot be parsed or has nothing drawable.
var ErrBadSVG = platform.NewKeyedError(platform.ErrInvalid, "theme.error.bad_svg", "the SVG file cannot be read")

// svgElements are the elements a logo may use; anything else (script,
// foreignObject, use of external files, animation …) is dropped with its
// content.
var svgElements = map[string]bool{
	"svg": true, "g": true, "path": true, "rect": true, "circle": true, "ellipse": true, "line": true,
	"polyline": true, "polygon": true, "text": true, "tspan": true, "defs": true, "lineargradient": true,
	"radialgradient": true, "stop": true, "title": true, "desc": true, "clippath": true, "mask": true,
}

// SanitizeSVG rewrites an SVG keeping only drawing elements and presentation
// attributes: no scripts, no event handlers, no links outside the document.
func SanitizeSVG(in []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(in))
	dec.Strict = true
	var out bytes.Buffer
	enc := xml.NewEncoder(&out)
	skip, depth, root := 0, 0, false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, ErrBadSVG
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			name := strings.ToLower(t.Name.Local)
			if skip > 0 || !svgElements[name] || depth == 1 && name != "svg" {
				skip++
				continue
			}
			root = root || name == "svg"
			t.Attr = safeAttrs(t.Attr)
			t.Name.Space = ""
			if name == "svg" && depth == 1 {
				t.Attr = append(t.Attr, xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: "http://www.w3.org/2000/svg"})
			}
			if err := enc.EncodeToken(t); err != nil {
				return nil, ErrBadSVG
			}
		case xml.EndElement:
			depth--
			if skip > 0 {
				skip--
				continue
			}
			t.Name.Space = ""
			if err := enc.EncodeToken(t); err != nil {
				return nil, ErrBadSVG
			}
		case xml.CharData:
			if skip == 0 && depth > 0 {
				if err := enc.EncodeToken(t); err != nil {
					return nil, ErrBadSVG
				}
			}
		}
	}
	if err := enc.Flush(); err != nil || !root {
		return nil, ErrBadSVG
	}
	return out.Bytes(), nil
}

// safeAttrs drops event handlers, style (CSS can fetch), namespaced
// attributes (xlink:href …) and links that leave the document.
func safeAttrs(attrs []xml.Attr) []xml.Attr {
	var kept []xml.Attr
	for _, a := range attrs {
		n := strings.ToLower(a.Name.Local)
		v := strings.TrimSpace(strings.ToLower(a.Value))
		switch {
		case a.Name.Space != "" || n == "xmlns" || strings.HasPrefix(n, "on") || n == "style":
		case n == "href" && !strings.HasPrefix(v, "#"):
		case strings.Contains(v, "javascript:") || strings.Contains(v, "url(") && !strings.Contains(v, "url(#"):
		default:
			kept = append(kept, xml.Attr{Name: xml.Name{Local: a.Name.Local}, Value: a.Value})
		}
	}
	return kept
}
