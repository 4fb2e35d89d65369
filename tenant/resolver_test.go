package tenant_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/platform/pgnotify"
	"github.com/piazza-pa/piazza/tenant"
)

// Visitors choose the Host header: unknown names must not grow the
// resolver's memory without bound, and what is not a host name is refused
// before any lookup.
func TestResolverBoundsUnknownHosts(t *testing.T) {
	r, d := newRegistry(t)
	mustCreate(t, r, "alpha", "Comune di Alpha")
	res := tenant.NewResolver(r)
	const bound = 200
	res.LimitMisses(bound)
	l := pgnotify.New(d.URL, nil)
	res.Subscribe(l)
	if err := l.Start(t.Context(), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 3 * bound {
		if _, err := res.Resolve(ctx, fmt.Sprintf("sconosciuto-%d.%s.example", i, strings.Repeat("x", 50))); !errors.Is(err, tenant.ErrNotFound) {
			t.Fatalf("unknown host %d: %v", i, err)
		}
	}
	if n := res.CachedMisses(); n == 0 || n > bound {
		t.Errorf("%d unknown hosts kept, want between 1 and %d", n, bound)
	}
	if tn, err := res.Resolve(ctx, "ALPHA.piazza.test."); err != nil || tn.Slug != "alpha" {
		t.Fatalf("a known host: %v, %v", tn, err)
	}
	before := res.CachedMisses()
	for _, h := range []string{"alpha.piazza.test\x00", "al pha.piazza.test", "alpha..piazza.test", "-alpha.piazza.test",
		"alpha.piazza.test:99999", strings.Repeat("a", 300) + ".example", "évil.example", "alpha.piazza.test/x", ""} {
		if _, err := res.Resolve(ctx, h); !errors.Is(err, tenant.ErrBadHost) {
			t.Errorf("Resolve(%q) = %v, want ErrBadHost", h, err)
		}
	}
	if res.CachedMisses() != before {
		t.Errorf("malformed hosts were kept")
	}
}
