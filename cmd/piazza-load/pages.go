package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"sort"
	"strings"
)

// page is a kind of page the load asks for: its name and the path a member
// of a site asks for.
type page struct {
	name string
	path func(rng *rand.Rand, s *Site, m *Member) string
	// missing says what the sites lack for this page, if anything.
	missing func(s *Site) string
	// as, when set, is who asks for the page instead of the member drawn.
	as func(rng *rand.Rand, s *Site) *Member
}

// pageKinds are the pages -pages may name.
var pageKinds = map[string]page{
	"dashboard":       fixed("/dashboard"),
	"inbox":           fixed("/dashboard/inbox"),
	"news":            fixed("/news"),
	"discussions":     fixed("/discussions"),
	"people":          fixed("/people"),
	"organizations":   fixed("/organizations"),
	"communities":     fixed("/communities"),
	"community":       {path: communityPath},
	"news-item":       itemPage("/news/", "published news for the whole tenant", func(s *Site) *Items { return &s.News }),
	"discussion-item": itemPage("/discussions/", "published discussions for the whole tenant", func(s *Site) *Items { return &s.Discussions }),
	"proposals":       fixed("/proposals"),
	"proposal-item":   itemPage("/proposals/", "published proposals for the whole tenant", func(s *Site) *Items { return &s.Proposals }),
	"proposal-own":    ownProposal(),
	"documents":       fixed("/documents"),
	"library":         {path: libraryPath},
	"gantt":           projectPage("gantt"),
	"budget":          projectPage("budget"),
	"person":          listed("/people/", "validated profiles", func(s *Site) []int64 { return s.People }),
	"organization":    listed("/organizations/", "validated organisations", func(s *Site) []int64 { return s.Organizations }),
	"search":          searchPage(2),
	"search-common":   searchPage(0),
	"search-rare":     searchPage(1),
}

// parsePages reads -pages: page kinds or paths ("/news?page=2"),
// comma-separated; "both" is the dashboard and a community page.
func parsePages(list string, sites []Site) ([]page, error) {
	var out []page
	for _, name := range strings.Split(strings.ReplaceAll(list, "both", "dashboard,community"), ",") {
		name = strings.TrimSpace(name)
		p, ok := pageKinds[name]
		switch {
		case strings.HasPrefix(name, "/"):
			p = fixed(name)
		case !ok:
			return nil, fmt.Errorf("-pages: no page kind %q (kinds: %s; or a path starting with /)", name, kindNames())
		}
		p.name = name
		if p.missing != nil {
			for i := range sites {
				if m := p.missing(&sites[i]); m != "" {
					return nil, fmt.Errorf("-pages %s: %s has no %s", name, sites[i].Host, m)
				}
			}
		}
		out = append(out, p)
	}
	return out, nil
}

func kindNames() string {
	names := make([]string, 0, len(pageKinds))
	for n := range pageKinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func fixed(path string) page {
	return page{path: func(*rand.Rand, *Site, *Member) string { return path }}
}

// communityPath is one of the member's communities, else one open to all.
func communityPath(rng *rand.Rand, s *Site, m *Member) string {
	switch {
	case len(m.Communities) > 0:
		return fmt.Sprintf("/communities/%d", m.Communities[rng.IntN(len(m.Communities))])
	case len(s.Communities) > 0:
		return fmt.Sprintf("/communities/%d", s.Communities[rng.IntN(len(s.Communities))])
	}
	return "/communities"
}

// libraryPath is the document library of one of the member's
// communities, or the tenant's for a member of none.
func libraryPath(rng *rand.Rand, _ *Site, m *Member) string {
	if len(m.Communities) > 0 {
		return fmt.Sprintf("/documents/communities/%d", m.Communities[rng.IntN(len(m.Communities))])
	}
	return "/documents"
}

// itemPage is an item the member may see: half the time one of a
// community of theirs (when it has any), else one for the whole tenant.
func itemPage(prefix, what string, of func(*Site) *Items) page {
	return page{
		path: func(rng *rand.Rand, s *Site, m *Member) string {
			items := of(s)
			if len(m.Communities) > 0 && rng.IntN(2) == 0 {
				if l := items.ByCommunity[m.Communities[rng.IntN(len(m.Communities))]]; len(l) > 0 {
					return fmt.Sprintf("%s%d", prefix, l[rng.IntN(len(l))])
				}
			}
			return fmt.Sprintf("%s%d", prefix, items.All[rng.IntN(len(items.All))])
		},
		missing: func(s *Site) string {
			if len(of(s).All) == 0 {
				return what
			}
			return ""
		},
	}
}

// listed is the page of one of the ids of list.
func listed(prefix, what string, list func(*Site) []int64) page {
	return page{
		path: func(rng *rand.Rand, s *Site, _ *Member) string {
			l := list(s)
			return fmt.Sprintf("%s%d", prefix, l[rng.IntN(len(l))])
		},
		missing: func(s *Site) string {
			if len(list(s)) == 0 {
				return what
			}
			return ""
		},
	}
}

// searchPage searches for a word of the seeded text: common (in many
// items), rare (in a few) or, with 2, either; Italian four times in five.
func searchPage(which int) page {
	return page{path: func(rng *rand.Rand, _ *Site, _ *Member) string {
		v := &italian
		if rng.IntN(5) == 0 {
			v = &english
		}
		l := commonWords(v)
		if which == 1 || (which == 2 && rng.IntN(2) == 0) {
			l = rareWords(v)
		}
		return "/search?q=" + url.QueryEscape(l[rng.IntN(len(l))])
	}}
}

// ownProposal is a published proposal opened by its proposer (who sees
// its management and the partners suggested for it): a random member with
// one, whoever was drawn.
func ownProposal() page {
	return page{
		path: func(rng *rand.Rand, _ *Site, m *Member) string {
			return fmt.Sprintf("/proposals/%d", m.Proposals[rng.IntN(len(m.Proposals))])
		},
		as: func(rng *rand.Rand, s *Site) *Member { return &s.Members[s.Proposers[rng.IntN(len(s.Proposers))]] },
		missing: func(s *Site) string {
			if len(s.Proposers) == 0 {
				return "members with a published proposal"
			}
			return ""
		},
	}
}

// projectPage is a project's page (its timeline, "gantt", or its budget,
// "budget"), opened by its manager: a project drawn at random, as
// its manager.
func projectPage(tab string) page {
	return page{
		path: func(rng *rand.Rand, s *Site, m *Member) string {
			for _, p := range s.Projects {
				if s.Members[p.Manager].ID == m.ID {
					return fmt.Sprintf("/projects/%d/%s", p.ID, tab)
				}
			}
			return fmt.Sprintf("/projects/%d/%s", s.Projects[rng.IntN(len(s.Projects))].ID, tab)
		},
		as: func(rng *rand.Rand, s *Site) *Member {
			return &s.Members[s.Projects[rng.IntN(len(s.Projects))].Manager]
		},
		missing: func(s *Site) string {
			if len(s.Projects) == 0 {
				return "projects (seed -projects)"
			}
			return ""
		},
	}
}
