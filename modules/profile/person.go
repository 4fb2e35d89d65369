package profile

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/tenant"
)

// What the other modules show on a person's page, each with its own
// visibility rules inside its own query. The arguments are plain values so
// that a module imported by this one (organization) can offer them too.
type (
	// Groups is a module listing the groups a person belongs to (their
	// communities, their organisations).
	Groups interface {
		// PersonGroups gives add the name and address of each group that
		// person belongs to and viewer may see, in the module's order.
		PersonGroups(ctx context.Context, tx bun.IDB, person, viewer int64, add func(name, url string)) error
	}
	// Contributions is a module listing what a person wrote (news,
	// discussions).
	Contributions interface {
		// PersonContributions gives add the latest published items (at
		// most limit) that person wrote and viewer may see, newest first:
		// the message key of their kind, their title, address and date.
		PersonContributions(ctx context.Context, tx bun.IDB, person, viewer int64, limit int,
			add func(kind, title, url string, at time.Time)) error
	}
)

// Link is a line of a person's page: a group or a contribution.
type Link struct {
	// Kind is the message key of a contribution's kind ("" for a group).
	Kind, Title, URL string
	At               time.Time
}

// Shelf is a module's groups on a person's page, under its heading (the
// message key of its section's name).
type Shelf struct {
	Heading string
	Links   []Link
}

// shelf is a module offering a part of a person's page, with its section:
// the part is left out when the tenant switched the section off.
type shelf struct {
	section web.Section
	groups  Groups
	items   Contributions
}

// recent is how many contributions a person's page shows.
const recent = 10

// Collect finds the modules offering a part of a person's page.
func (m *Module) Collect(mods []web.Module) {
	m.shelves = nil
	for _, mod := range mods {
		g, isGroups := mod.(Groups)
		c, isItems := mod.(Contributions)
		if !isGroups && !isItems {
			continue
		}
		s := shelf{groups: g, items: c}
		if sec, ok := mod.(web.Sectioned); ok {
			s.section = sec.Section()
		}
		m.shelves = append(m.shelves, s)
	}
}

// on are the shelves whose section the tenant of ctx has not switched off.
func (m *Module) on(ctx context.Context) []shelf {
	var off []string
	if t := tenant.FromContext(ctx); t != nil {
		off = t.Brand.Published.Off
	}
	var out []shelf
	for _, s := range m.shelves {
		if s.section.Key == "" || !slices.Contains(off, s.section.Key) {
			out = append(out, s)
		}
	}
	return out
}

// activity reads what the other modules show of person to viewer: their
// groups by module, and their latest contributions across modules.
func (m *Module) activity(ctx context.Context, tx bun.IDB, person, viewer int64) (groups []Shelf, items []Link, err error) {
	for _, s := range m.on(ctx) {
		if s.groups != nil {
			sh := Shelf{Heading: s.section.Label}
			err := s.groups.PersonGroups(ctx, tx, person, viewer, func(name, url string) {
				sh.Links = append(sh.Links, Link{Title: name, URL: url})
			})
			if err != nil {
				return nil, nil, err
			}
			groups = append(groups, sh)
		}
		if s.items != nil {
			err := s.items.PersonContributions(ctx, tx, person, viewer, recent, func(kind, title, url string, at time.Time) {
				items = append(items, Link{Kind: kind, Title: title, URL: url, At: at})
			})
			if err != nil {
				return nil, nil, err
			}
		}
	}
	slices.SortStableFunc(items, func(a, b Link) int { return cmp.Compare(b.At.UnixNano(), a.At.UnixNano()) })
	return groups, items[:min(len(items), recent)], nil
}
