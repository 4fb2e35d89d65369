package feed

import (
	"testing"
	"time"
)

func TestCursor(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 30, 0, 123456000, time.UTC)
	c := Cursor{Set: true, InEvidence: true, At: at, Kind: "news", ID: 42}
	got, err := DecodeCursor(c.Encode())
	if err != nil || got.InEvidence != c.InEvidence || !got.At.Equal(c.At) || got.Kind != c.Kind || got.ID != c.ID || !got.Set {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	for _, bad := range []string{"garbage", "MXwyfDN8NA", "cXwxfG5ld3N8MQ", "MXx4fG5ld3N8MQ"} {
		if _, err := DecodeCursor(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if first, err := DecodeCursor(""); err != nil || first.Set {
		t.Errorf("the first page's cursor: %+v %v", first, err)
	}
	// Feed order: evidence first, then newer, then kind ascending, then id descending.
	cases := []struct {
		ev   bool
		at   time.Time
		kind string
		id   int64
		want bool
	}{
		{false, at.Add(time.Hour), "news", 1, true}, // not in evidence comes after any in evidence
		{true, at.Add(time.Second), "news", 99, false},
		{true, at.Add(-time.Second), "news", 99, true},
		{true, at, "discussion", 99, false},
		{true, at, "project", 1, true},
		{true, at, "news", 41, true},
		{true, at, "news", 43, false},
		{true, at, "news", 42, false},
	}
	for _, k := range cases {
		if got := c.After(k.ev, k.at, k.kind, k.id); got != k.want {
			t.Errorf("after %+v: %v, want %v", k, got, k.want)
		}
	}
	if !(Cursor{}).After(true, at, "news", 1) {
		t.Error("everything comes after the first page's cursor")
	}
}
