package scope

import (
	"slices"
	"testing"

	"github.com/piazza-pa/piazza/platform/form"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		in   Scope
		want string // the problem's key, "" for none
	}{
		{Scope{Kind: Tenant, Public: true}, ""},
		{Scope{Kind: Interests, Themes: []string{"health"}}, ""},
		{Scope{Kind: Interests, Tags: []int64{3}}, ""},
		{Scope{Kind: Interests, Communities: []int64{1}}, "scope.error.no_interest"}, // lists of another kind do not count
		{Scope{Kind: Communities}, "scope.error.no_community"},
		{Scope{Kind: Organizations}, "scope.error.no_organization"},
		{Scope{Kind: Communities, Communities: []int64{1}, Public: true}, "scope.error.public"},
		{Scope{Kind: "everyone"}, "scope.error.kind"},
	} {
		errs := form.Errors{}
		s := c.in
		s.Check(errs)
		if errs["scope"] != c.want {
			t.Errorf("%+v: %q, want %q", c.in, errs["scope"], c.want)
		}
	}
	s := Scope{Kind: Tenant, Themes: []string{"health"}, Communities: []int64{1}}
	s.Check(form.Errors{})
	if s.Themes != nil || s.Communities != nil {
		t.Error("a tenant-wide scope kept lists of other kinds")
	}
}

func TestObjects(t *testing.T) {
	if got := Objects("news", Scope{Kind: Tenant}); !slices.Equal(got, []string{"content/news"}) {
		t.Errorf("tenant: %v", got)
	}
	got := Objects("news", Scope{Kind: Communities, Communities: []int64{9, 2, 9}})
	if !slices.Equal(got, []string{"community/2/content/news", "community/9/content/news"}) {
		t.Errorf("communities: %v", got)
	}
}
