package modules

import (
	"bytes"
	"maps"
	"slices"
	"testing"

	"github.com/piazza-pa/piazza/modules/brand"
	"github.com/piazza-pa/piazza/modules/comment"
	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/dashboard"
	"github.com/piazza-pa/piazza/modules/file"
	"github.com/piazza-pa/piazza/modules/search"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// built is the set of the list with the deps that need no database.
func built(t *testing.T) *Set {
	t.Helper()
	s, err := Build(Deps{Cache: tenant.NewCache(0), Key: bytes.Repeat([]byte{1}, 32), Scheme: "http"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// find is the module of type M in mods.
func find[M web.Module](t *testing.T, mods []web.Module) M {
	t.Helper()
	ms := offered[M](mods)
	if len(ms) != 1 {
		t.Fatalf("%d modules of type %T in the list", len(ms), *new(M))
	}
	return ms[0]
}

func TestCollectorsFindWhatModulesOffer(t *testing.T) {
	s := built(t)
	var nav []string
	for _, sec := range find[*brand.Module](t, s.Tenant).Sections {
		nav = append(nav, sec.Key)
	}
	if want := []string{"dashboard", "community", "news", "discussion", "profile", "organization", "search"}; !slices.Equal(nav, want) {
		t.Errorf("navigation %v, want %v", nav, want)
	}
	for name, keys := range map[string][]string{
		"comment targets": slices.Sorted(maps.Keys(find[*comment.Module](t, s.Tenant).Targets)),
		"file targets":    slices.Sorted(maps.Keys(find[*file.Module](t, s.Tenant).Targets)),
	} {
		if want := []string{"discussion", "news"}; !slices.Equal(keys, want) {
			t.Errorf("%s %v, want %v", name, keys, want)
		}
	}
	d := find[*dashboard.Module](t, s.Tenant)
	for name, got := range map[string][2]int{
		"community content": {len(find[*community.Module](t, s.Tenant).Content), 2},
		"search sources":    {len(find[*search.Module](t, s.Tenant).Sources), 5},
		"feed sources":      {len(d.Feed), 2},
		"inbox sources":     {len(d.Inbox), 6},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: %d, want %d", name, got[0], got[1])
		}
	}
	if s.Shell.Decorate == nil {
		t.Error("no module decorates the pages (the tenant's look)")
	}
}

func TestBundleHasEveryModulesMessages(t *testing.T) {
	s := built(t)
	mods := offered[messages](slices.Concat(s.Tenant, s.Operator))
	if len(mods) < 12 {
		t.Fatalf("%d modules with messages", len(mods))
	}
	for _, m := range mods {
		files, err := i18n.Keys(m.Messages())
		if err != nil {
			t.Fatal(err)
		}
		for lang, keys := range files {
			l := s.Bundle.For(lang)
			for _, k := range keys {
				if l.T(k) == k {
					t.Errorf("%T: %s.%s is not in the bundle", m, lang, k)
				}
			}
		}
	}
}
