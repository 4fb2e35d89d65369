package tenant_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/tenant"
)

// TestCacheBoundedByBytes: pages of many tenants never make the cache
// hold more than its byte bound, the page just kept is served from it, and
// a value too big for the bound is computed each time instead of pushing
// the others out.
func TestCacheBoundedByBytes(t *testing.T) {
	r, d := newRegistry(t)
	const limit = 64 << 10
	// The tenants are made before the cache listens: the notice of a
	// tenant made, delivered late on a busy machine, would drop that
	// tenant's pages between a page kept and its read.
	var tenants []*tenant.Tenant
	for i := range 6 {
		tenants = append(tenants, mustCreate(t, r, fmt.Sprintf("t%d", i), fmt.Sprintf("Comune %d", i)))
	}
	big := mustCreate(t, r, "big", "Comune grande")
	c := listeningCache(t, d.URL)
	c.LimitBytes(limit)
	page := bytes.Repeat([]byte("x"), 4<<10)
	fills := 0
	get := func(ctx context.Context, key string, v []byte) []byte {
		t.Helper()
		got, err := tenant.Cached(ctx, c, key, func() ([]byte, time.Time, error) {
			fills++
			return v, time.Now().Add(time.Hour), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for i, tn := range tenants {
		ctx := tenant.NewContext(context.Background(), tn)
		for j := range 10 {
			key := fmt.Sprintf("page:%d", j)
			get(ctx, key, page)
			before := fills
			if get(ctx, key, page); fills != before {
				t.Fatalf("tenant %d page %d: not served from the cache right after it was kept", i, j)
			}
			if b := c.Bytes(); b > limit {
				t.Fatalf("the cache holds %d bytes, bound %d", b, limit)
			}
		}
	}
	if c.Bytes() < limit/2 || c.Len() == 0 {
		t.Errorf("the cache keeps %d bytes in %d entries: the bound is too eagerly enforced", c.Bytes(), c.Len())
	}
	ctx := tenant.NewContext(context.Background(), big)
	held := c.Len()
	huge := bytes.Repeat([]byte("y"), limit/4)
	get(ctx, "huge", huge)
	before := fills
	get(ctx, "huge", huge)
	if fills == before || c.Len() != held {
		t.Errorf("a value of a quarter of the bound was kept (%d entries, were %d)", c.Len(), held)
	}
}
