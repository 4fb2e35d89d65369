package directory_test

import (
	"testing"

	"github.com/piazza-pa/piazza/platform/directory"
)

// TestPrefixes: a filter's words become the starts of words, lowered,
// each quoted whatever the input holds; nothing to look for is "".
func TestPrefixes(t *testing.T) {
	cases := []struct{ s, weight, want string }{
		{"Ross", "", "'ross':*"},
		{"  fondi, Europei ", "B", "'fondi':*B & 'europei':*B"},
		{"l'acqua è", "", "'l':* & 'acqua':* & 'è':*"},
		{"a'):* | !b & c\\", "", "'a':* & 'b':* & 'c':*"},
		{"2026 PNRR", "C", "'2026':*C & 'pnrr':*C"},
		{"!!! ''", "", ""},
	}
	for _, c := range cases {
		if got := directory.Prefixes(c.s, c.weight); got != c.want {
			t.Errorf("Prefixes(%q, %q) = %q, want %q", c.s, c.weight, got, c.want)
		}
	}
}
