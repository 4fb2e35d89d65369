package tenant_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/tenant"
)

// A sweep out of time hands over after the last tenant it visited; its
// continuations visit every active tenant once, in order, and end.
func TestSweepResumes(t *testing.T) {
	ts := []*tenant.Tenant{{Slug: "alfa", Status: tenant.StatusActive}, {Slug: "beta", Status: tenant.StatusSuspended},
		{Slug: "gamma", Status: tenant.StatusActive}, {Slug: "delta", Status: tenant.StatusActive}}
	slices.SortFunc(ts, func(a, b *tenant.Tenant) int { return strings.Compare(a.Slug, b.Slug) })
	var seen []string
	visit := func(tn *tenant.Tenant) error { seen = append(seen, tn.Slug); return nil }
	after, jobs := "", 0
	for {
		next, err := tenant.Sweep(context.Background(), ts, after, 0, visit)
		if err != nil {
			t.Fatal(err)
		}
		jobs++
		if next == "" {
			break
		}
		if jobs > 10 {
			t.Fatalf("the sweep does not end: %v", seen)
		}
		after = next
	}
	if want := []string{"alfa", "delta", "gamma"}; !slices.Equal(seen, want) || jobs != 3 {
		t.Fatalf("with no time: visited %v in %d jobs, want %v in 3", seen, jobs, want)
	}
	seen = nil
	if next, err := tenant.Sweep(context.Background(), ts, "", time.Hour, visit); err != nil || next != "" || len(seen) != 3 {
		t.Fatalf("with time enough: visited %v, next %q, %v", seen, next, err)
	}
}
