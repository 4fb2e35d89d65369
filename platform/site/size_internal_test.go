package site

import (
	"context"
	"fmt"
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/platform/db"
)

// TestSizeOf: what the cache counts for the values it keeps is close to
// what they hold, whatever their type: a rendered page by its length
// (template.HTML is not a string to a type switch), a page of rows by
// their texts, a time without its zone, which every time shares.
func TestSizeOf(t *testing.T) {
	type entry struct {
		Title, Summary string
		At             time.Time
		ID             int64
	}
	type page struct {
		Entries []entry
		Next    string
		Until   time.Time
	}
	type member struct {
		Name  string
		Roles map[string]bool
	}
	type signIn struct {
		User   *member
		Unread int
	}
	local := time.Now().In(time.Local)
	rows := make([]entry, 20)
	for i := range rows {
		rows[i] = entry{Title: strings.Repeat("t", 100), Summary: strings.Repeat("s", 600), At: local, ID: int64(i)}
	}
	within := func(what string, got, least, most int) {
		t.Helper()
		if got < least || got > most {
			t.Errorf("%s: %d bytes, want %d–%d", what, got, least, most)
		}
	}
	within("a rendered page", sizeOf("k", template.HTML(strings.Repeat("<p>x</p>", 1250))), 10_000, 10_000+entryOverhead+64)
	within("a page of 20 rows", sizeOf("k", page{Entries: rows, Next: "abc", Until: local}), 20*700, 20*700+20*80+entryOverhead+200)
	within("a member and their roles", sizeOf("k", signIn{User: &member{Name: strings.Repeat("n", 50), Roles: map[string]bool{"admin": true, "editor": true}}}),
		50+10, 50+10+entryOverhead+300)
	within("a time alone", sizeOf("k", local), 0, entryOverhead+64)

	// The rows past a slice's length are kept alive with it: a page cut
	// from a longer list counts the whole list.
	cut := make([]entry, 80)
	for i := range cut {
		cut[i] = entry{Title: strings.Repeat("t", 100), Summary: strings.Repeat("s", 600)}
	}
	within("a page cut from 80 rows", sizeOf("k", page{Entries: cut[:20]}), 80*700, 80*700+80*80+entryOverhead+200)
	// Bytes of any slice type count by capacity, without a walk of each.
	type raw []byte
	within("bytes of a named type", sizeOf("k", raw(make([]byte, 1<<20))), 1<<20, 1<<20+entryOverhead+64)
	within("numbers", sizeOf("k", make([]int64, 1000, 1500)), 1500*8, 1500*8+entryOverhead+64)
	// A named time is a time: its zone is not counted.
	type day time.Time
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	within("a named time", sizeOf("k", []day{day(time.Now().In(rome))}), 24, entryOverhead+64)
	// Unexported fields are read too.
	type hidden struct {
		rows []string
		name *string
	}
	name := strings.Repeat("n", 300)
	within("unexported fields", sizeOf("k", hidden{rows: []string{strings.Repeat("r", 500)}, name: &name}), 800, 800+entryOverhead+100)

	// A value that refers to itself is counted down to a depth, and the
	// count ends.
	type node struct {
		Name string
		Next *node
	}
	ring := &node{Name: "x"}
	ring.Next = ring
	within("a cycle", sizeOf("k", ring), 1, entryOverhead+(sizeDepth+2)*32)
}

// TestLeastRecentlyUsedLeave: a full cache drops the entries used least
// recently, one at a time and whichever tenant they belong to, and keeps
// those just used, even when one tenant fills it alone.
func TestLeastRecentlyUsedLeave(t *testing.T) {
	c := NewCache(1000)
	c.listening = func() bool { return true }
	page := template.HTML(strings.Repeat("x", 1000))
	one := sizeOf("page:00", page)
	c.LimitBytes(10 * one) // ten pages
	a := &Site{ID: 1, Scope: db.Scope{Schema: "t_a"}}
	b := &Site{ID: 2, Scope: db.Scope{Schema: "t_b"}}
	fills := 0
	get := func(s *Site, key string) {
		t.Helper()
		if _, err := Cached(NewContext(context.Background(), s), c, key, func() (template.HTML, time.Time, error) {
			fills++
			return page, time.Now().Add(time.Hour), nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	held := func(s *Site, key string) bool {
		before := fills
		get(s, key)
		return fills == before
	}
	for i := range 10 {
		get(a, fmt.Sprintf("page:%02d", i))
	}
	get(a, "page:00") // used again: now the most recent
	get(b, "page:10") // one must leave: page:01, the least recently used
	if s := c.Stats(); s.Entries != 10 || s.Evictions != 1 || s.Bytes > 10*one {
		t.Fatalf("after one page past the bound: %+v", s)
	}
	if !held(a, "page:00") || !held(b, "page:10") || !held(a, "page:02") {
		t.Error("a page used recently was dropped")
	}
	if held(a, "page:01") {
		t.Error("the least recently used page was kept")
	}
	for i := 11; i < 30; i++ { // tenant b alone fills the cache
		get(b, fmt.Sprintf("page:%02d", i))
	}
	if s := c.Stats(); s.Entries != 10 || s.Bytes > 10*one {
		t.Fatalf("after one tenant filled it: %+v", s)
	}
	for i := 20; i < 30; i++ {
		if !held(b, fmt.Sprintf("page:%02d", i)) {
			t.Errorf("page:%02d, among the ten last used, was dropped", i)
		}
	}
	// An entry found stale leaves at once, making room.
	now := time.Now()
	c.now = func() time.Time { return now.Add(2 * time.Hour) }
	if held(b, "page:29") {
		t.Error("a stale page was served")
	}
	if s := c.Stats(); s.Entries != 9 {
		t.Errorf("the stale page, not kept again (expired at once), still counts: %+v", s)
	}
	c.now = time.Now
	c.Forget("t_b")
	if s := c.Stats(); s.Entries != 0 || s.Bytes != 0 || c.used.Len() != 0 {
		t.Errorf("after the tenant's data changed: %+v, %d in the order of use", s, c.used.Len())
	}
}
