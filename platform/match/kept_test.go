package match

import (
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
