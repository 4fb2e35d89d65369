package tenant_test

import (
	"testing"

	"github.com/piazza-pa/piazza/tenant"
)

// TestOffers: a module is offered unless the plan leaves it out or the
// published look switches it off; a draft look changes nothing.
func TestOffers(t *testing.T) {
	tn := &tenant.Tenant{}
	tn.Brand.Draft = &tenant.Look{Off: []string{"news"}}
	for _, c := range []struct {
		off, plan []string
		want      bool
	}{
		{nil, nil, true},
		{[]string{"document"}, nil, false},
		{[]string{"news"}, []string{"news", "document"}, true},
		{nil, []string{"news"}, false},
	} {
		tn.Brand.Published.Off, tn.Plan = c.off, &tenant.Plan{Modules: c.plan}
		if got := tn.Offers("document"); got != c.want {
			t.Errorf("off %v, plan %v: %v", c.off, c.plan, got)
		}
	}
	if !(*tenant.Tenant)(nil).Offers("document") {
		t.Error("outside a tenant a module is not offered")
	}
}
