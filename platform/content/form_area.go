package content

import "github.com/piazza-pa/piazza/platform/i18n"

// Area is a textarea of the form, for the partial content-textarea.
type Area struct {
	L *i18n.Localizer
	// Key prefixes the label's message (Key.field.Name); Help is the
	// translated hint under it ("" for none).
	Key, Name, Value, Error, Help string
	Rows                          int
}

// Area is the textarea name holding value, rows high, with its error and
// the hint of message key help ("" for none).
func (v FormView[P]) Area(name, value string, rows int, help string) Area {
	a := Area{L: v.L, Key: v.Key, Name: name, Value: value, Error: v.Errors[name], Rows: rows}
	if help != "" {
		a.Help = v.L.T(help)
	}
	return a
}
