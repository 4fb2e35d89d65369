package search

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
)

// TestSnippet: the text is escaped, only the markers become tags, and
// markers typed by users are dropped before storing.
func TestSnippet(t *testing.T) {
	got := Snippet("<script>alert(1)</script> & \x02bici\x03 \"x\"")
	want := "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>bici</mark> &#34;x&#34;"
	if string(got) != want {
		t.Errorf("Snippet: %s, want %s", got, want)
	}
	if c := Clean("a\x02b\x03c"); c != "abc" {
		t.Errorf("Clean: %q", c)
	}
}

// TestCursor: a cursor reads back whole (its rank exactly) for its own
// words; altered, taken from other words or not a cursor, it names no page.
func TestCursor(t *testing.T) {
	for _, c := range []Cursor{{Set: true, Rank: 0.0607927106320858, Kind: "news.kind", ID: 42},
		{Set: true, Rank: 1e-20, Kind: "profile.kind_name", ID: 7}, {Set: true, Rank: 0, Kind: "community.kind_name", ID: 1}} {
		s := c.Encode("bici elettriche")
		got, err := DecodeCursor("bici elettriche", s)
		if err != nil || got != c {
			t.Errorf("round trip of %+v: %+v %v", c, got, err)
		}
		if _, err := DecodeCursor("bici", s); err != ErrCursor {
			t.Errorf("another search's cursor: %v", err)
		}
		for i := range s {
			forged := s[:i] + string("AQz_"[i%4]) + s[i+1:]
			if forged == s {
				continue
			}
			if got, err := DecodeCursor("bici elettriche", forged); err == nil {
				t.Errorf("%q (character %d changed) read as %+v", forged, i, got)
			}
		}
	}
	raw := func(s string) string {
		return base64.RawURLEncoding.EncodeToString(append(sum("w", []byte(s)), s...))
	}
	for _, bad := range []string{"garbage", "%%%", raw("0.5|news.kind"), raw("x|news.kind|1"), raw("0.5|News|1"), raw("0.5|news.kind|y"),
		raw("NaN|news.kind|1"), raw("+Inf|news.kind|1"), raw("-0.5|news.kind|1"), raw("0.5|news.kind|1|2"), strings.Repeat("A", 300)} {
		if _, err := DecodeCursor("w", bad); err != ErrCursor {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if first, err := DecodeCursor("w", ""); err != nil || first.Set {
		t.Errorf("the first page's cursor: %+v %v", first, err)
	}
}

// TestOrder: results go by rank, then kind, then newer id first; the
// condition a source adds after a cursor keeps exactly the hits of its
// kind that come later in that order.
func TestOrder(t *testing.T) {
	hits := []Hit{{Rank: 0.5, Kind: "news.kind", ID: 3}, {Rank: 0.9, Kind: "profile.kind_name", ID: 1}, {Rank: 0.5, Kind: "news.kind", ID: 9},
		{Rank: 0.5, Kind: "community.kind_name", ID: 2}, {Rank: 0.1, Kind: "news.kind", ID: 1}}
	slices.SortFunc(hits, Compare)
	var got []string
	for _, h := range hits {
		got = append(got, h.Kind+"/"+string(rune('0'+h.ID)))
	}
	if strings.Join(got, " ") != "profile.kind_name/1 community.kind_name/2 news.kind/9 news.kind/3 news.kind/1" {
		t.Errorf("order: %v", got)
	}
	c := At(Hit{Rank: 0.5, Kind: "news.kind", ID: 9})
	for kind, want := range map[string]string{"community.kind_name": "h.rank < ?", "news.kind": "(h.rank < ? OR (h.rank = ? AND h.id < ?))",
		"profile.kind_name": "h.rank <= ?"} {
		if cond, _ := c.after(kind, nil); cond != want {
			t.Errorf("after, for %s: %s", kind, cond)
		}
	}
	if cond, args := (Cursor{}).after("news.kind", nil); cond != "TRUE" || args != nil {
		t.Errorf("the first page: %s %v", cond, args)
	}
}

// TestSnippetOfHTML: references read as their characters and escaped
// again, markers in pairs only, a marker written by a reference dropped.
func TestSnippetOfHTML(t *testing.T) {
	for in, want := range map[string]string{
		"l&#39;\x02idea\x03 &amp; &lt;b&gt;": "l&#39;<mark>idea</mark> &amp; &lt;b&gt;",
		"&amp;lt;script&amp;gt; \x02x\x03":   "&amp;lt;script&amp;gt; <mark>x</mark>",
		"a &#2;b\x02c\x03 &#3;d":             "a b<mark>c</mark> d",
		"\x03a \x02b":                        "a <mark>b</mark>",
		"x\x02y\x02z\x03":                    "x<mark>yz</mark>",
	} {
		if got := string(SnippetOfHTML(in)); got != want {
			t.Errorf("SnippetOfHTML(%q) = %s, want %s", in, got, want)
		}
	}
	if got := string(Snippet("a &#39; \x02b\x03")); got != "a &amp;#39; <mark>b</mark>" {
		t.Errorf("Snippet of plain text: %s", got)
	}
}
