package match

import (
	"math"
	"testing"
)

// TestShares: a word's share is its own, a stem's the sum of the shares of
// the words it starts, and nothing else's.
func TestShares(t *testing.T) {
	sh := newShares(map[string]float64{"bat": 0.2, "batt": 0.01, "batteria": 0.1, "batterie": 0.05, "battesimo": 0.02, "cane": 0.3})
	for _, c := range []struct {
		t    term
		want float64
	}{
		{term{Term: "bat"}, 0.2},
		{term{Term: "batteri", Prefix: true}, 0.15},
		{term{Term: "batt", Prefix: true}, 0.18},
		{term{Term: "bat", Prefix: true}, 0.38},
		{term{Term: "canestro", Prefix: true}, 0},
		{term{Term: "zebra", Prefix: true}, 0},
		{term{Term: "a", Prefix: true}, 0},
		{term{Term: "gatto"}, 0},
	} {
		if got := sh.of(c.t); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("share of %+v: %v, want %v", c.t, got, c.want)
		}
	}
}
