package keyset

import (
	"encoding/base64"
	"math"
	"strings"
	"testing"
	"time"
)

// TestCursor: a cursor reads back whole for its own list; altered, taken
// from another list, out of range or not a cursor, it names no page.
func TestCursor(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 30, 0, 123456000, time.UTC)
	for _, c := range []Cursor{{Set: true, At: at, ID: 42}, {Set: true, Text: "comunità | di \"valle\" à", ID: 7}} {
		s := c.Encode("news")
		got, err := Decode("news", s)
		if err != nil || got != c {
			t.Errorf("round trip of %+v: %+v %v", c, got, err)
		}
		if _, err := Decode("discussions", s); err != ErrCursor {
			t.Errorf("another list's cursor: %v", err)
		}
		// Any character changed names no page (or fails to decode).
		for i := range s {
			for _, r := range "AQz_-9" {
				if byte(r) == s[i] {
					continue
				}
				forged := s[:i] + string(r) + s[i+1:]
				if got, err := Decode("news", forged); err == nil {
					t.Errorf("%q (character %d changed) read as %+v", forged, i, got)
				}
			}
		}
	}
	raw := func(s string) string {
		return base64.RawURLEncoding.EncodeToString(append(sum("news", []byte(s)), s...))
	}
	bad := []string{"garbage", "%%%", "MXwyfDN8NA", raw("1|2"), raw("x|2|a"), raw("1|y|a"), raw("99999999999999999999|1|"),
		raw("1|1|\x00"), raw("1|1|\xff\xfe"), raw("1|1|" + strings.Repeat("a", maxText+1)),
		Cursor{At: time.UnixMicro(math.MaxInt64), ID: 1}.Encode("news"), Cursor{At: time.UnixMicro(math.MinInt64), ID: 1}.Encode("news"),
		Cursor{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), ID: 1}.Encode("news"), strings.Repeat("A", 5000)}
	for _, s := range bad {
		if _, err := Decode("news", s); err != ErrCursor {
			t.Errorf("%q: %v", s, err)
		}
	}
	if first, err := Decode("news", ""); err != nil || first.Set {
		t.Errorf("the first page's cursor: %+v %v", first, err)
	}
}

// TestCut: a page keeps its size and points after its last row; the last
// page points nowhere.
func TestCut(t *testing.T) {
	at := func(n *int) Cursor { return Cursor{ID: int64(*n)} }
	rows, next := Cut([]int{9, 8, 7}, 2, "l", at)
	if len(rows) != 2 || next == "" {
		t.Fatalf("a full page: %v %q", rows, next)
	}
	if c, err := Decode("l", next); err != nil || c.ID != 8 || !c.Set {
		t.Errorf("next page after %+v %v, want after 8", c, err)
	}
	if rows, next := Cut([]int{9, 8}, 2, "l", at); len(rows) != 2 || next != "" {
		t.Errorf("the last page: %v %q", rows, next)
	}
}
