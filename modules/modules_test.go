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

// The collectors get what every module of the list offers, in the list's
// order; the modules of today are among them (more may come, each by its
// line in the list).
func TestCollectorsFindWhatModulesOffer(t *testing.T) {
	s := built(t)
	var nav []string
	for _, sec := range find[*brand.Module](t, s.Tenant).Sections {
		nav = append(nav, sec.Key)
	}
	if !inOrder(nav, "dashboard", "community", "news", "discussion", "profile", "organization", "search") {
		t.Errorf("navigation %v", nav)
	}
	for name, keys := range map[string][]string{
		"comment targets": slices.Collect(maps.Keys(find[*comment.Module](t, s.Tenant).Targets)),
		"file targets":    slices.Collect(maps.Keys(find[*file.Module](t, s.Tenant).Targets)),
	} {
		if !slices.Contains(keys, "news") || !slices.Contains(keys, "discussion") {
			t.Errorf("%s %v, want news and discussion among them", name, keys)
		}
	}
	d := find[*dashboard.Module](t, s.Tenant)
	check := func(name string, got, all, least int) {
		t.Helper()
		if got != all || got < least {
			t.Errorf("%s: %d, want the %d of the list (at least %d)", name, got, all, least)
		}
	}
	check("community content", len(find[*community.Module](t, s.Tenant).Content), len(offered[community.ContentSource](s.Tenant)), 2)
	check("search sources", len(find[*search.Module](t, s.Tenant).Sources), len(offered[search.Source](s.Tenant)), 5)
	check("feed sources", len(d.Feed), len(offered[dashboard.FeedSource](s.Tenant)), 2)
	check("inbox sources", len(d.Inbox), len(offered[dashboard.InboxSource](s.Tenant)), 6)
	if s.Shell.Decorate == nil {
		t.Error("no module decorates the pages (the tenant's look)")
	}
}

// inOrder says whether want appear in got in this order.
func inOrder(got []string, want ...string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
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
