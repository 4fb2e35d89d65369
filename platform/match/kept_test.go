package match

import (
	"math"
	"strconv"
	"testing"
	"time"
)

// TestKept: the words kept for a text expire after keptFor, and the store
// never holds more than keptMost texts.
func TestKept(t *testing.T) {
	k := newMemo[[]term](keptMost)
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	k.put("t_a\x00it\x00x", []term{{Term: "idrogeno"}}, t0)
	if ts, ok := k.get("t_a\x00it\x00x", t0.Add(keptFor-time.Second)); !ok || len(ts) != 1 || ts[0].Term != "idrogeno" {
		t.Errorf("before expiry: %v %v", ts, ok)
	}
	if _, ok := k.get("t_b\x00it\x00x", t0); ok {
		t.Error("another tenant's schema reads the words kept for the first")
	}
	if _, ok := k.get("t_a\x00it\x00x", t0.Add(keptFor)); ok {
		t.Error("kept past keptFor")
	}
	for i := range keptMost + 10 {
		k.put(strconv.Itoa(i), nil, t0.Add(time.Duration(i)*time.Millisecond))
		if len(k.m) > keptMost {
			t.Fatalf("%d texts kept", len(k.m))
		}
	}
}

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
