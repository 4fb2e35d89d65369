package tenant_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/tenant"
)

// The cache tells its hits, misses, and the entries it dropped for room
// (not those a change of data dropped), with what it holds.
func TestCacheStats(t *testing.T) {
	r, d := newRegistry(t)
	c := listeningCache(t, d.URL)
	c.LimitBytes(8 << 10)
	ctx := tenant.NewContext(context.Background(), mustCreate(t, r, "alpha", "Alpha"))
	get := func(key string) {
		t.Helper()
		_, err := tenant.Cached(ctx, c, key, func() ([]byte, time.Time, error) {
			return make([]byte, 500), time.Now().Add(time.Hour), nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	get("a")
	get("a")
	get("a")
	if s := c.Stats(); s.Hits != 2 || s.Misses != 1 || s.Evictions != 0 || s.Entries != 1 || s.Bytes != c.Bytes() || s.Bytes == 0 {
		t.Fatalf("after one miss and two hits: %+v", s)
	}
	for i := range 20 { // 20 × ~700 bytes past a bound of 8 KiB
		get(fmt.Sprint("page", i))
	}
	s := c.Stats()
	if s.Evictions == 0 || s.Misses != 21 || s.Bytes > 8<<10 {
		t.Fatalf("after filling past the bound: %+v", s)
	}
	c.Forget("t_alpha")
	if after := c.Stats(); after.Evictions != s.Evictions || after.Entries != 0 || after.Bytes != 0 {
		t.Errorf("a change of data counted as evictions or left entries: %+v", after)
	}
}
