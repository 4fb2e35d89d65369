package memo

import (
	"strconv"
	"testing"
	"time"
)

// TestMemo: a value expires after For, keys do not read one another's
// values, and the store never holds more than its bound.
func TestMemo(t *testing.T) {
	const most = 64
	k := New[[]string](most, 10*time.Minute)
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	k.Put("t_a\x00x", []string{"idrogeno"}, t0)
	if v, ok := k.Get("t_a\x00x", t0.Add(k.For-time.Second)); !ok || len(v) != 1 || v[0] != "idrogeno" {
		t.Errorf("before expiry: %v %v", v, ok)
	}
	if _, ok := k.Get("t_b\x00x", t0); ok {
		t.Error("another key reads the value kept for the first")
	}
	if _, ok := k.Get("t_a\x00x", t0.Add(k.For)); ok {
		t.Error("kept past For")
	}
	for i := range most + 10 {
		k.Put(strconv.Itoa(i), nil, t0.Add(time.Duration(i)*time.Millisecond))
		if n := k.Len(); n > most {
			t.Fatalf("%d values kept", n)
		}
	}
}
