// Package lineage is how an item of one module is born from an item of
// another without either module importing the other (a project born from
// a proposal's work group): the parent's module hands over what the child
// takes (a Seed) and says what the child was born from (Origin); the
// child's module says what was born from an item (Children). Each module
// finds the others on the module list (web.Collector) by these
// interfaces; items are named by their kind (a content type) and id.
package lineage

import (
	"context"

	"github.com/uptrace/bun"
)

// Link is an item as another module's page links it: Kind is the message
// key of what it is, Title its title, URL its page.
type Link struct {
	Kind, Title, URL string
}

// Person is someone a parent hands over, with the organisation they
// answered for (0 for none).
type Person struct {
	UserID, OrganizationID int64
}

// Seed is what an item hands over to the item born from it: its name,
// text and themes, its owner (who makes the child), the group of people
// working on it (a community, 0 for none) and those people.
type Seed struct {
	Kind      string
	ID        int64
	Title     string
	Summary   string
	Themes    []string
	Owner     int64
	Community int64
	People    []Person
	// Link is the parent as the child's page links it.
	Link Link
}

// Parent is a module whose items others may be born from.
type Parent interface {
	// Handover is what item (kind, id) hands over to a child that uid
	// makes, in the caller's transaction: ok is false for a kind that is
	// not the module's; an item uid may not see is platform.ErrNotFound,
	// one uid may not make a child of platform.ErrForbidden.
	Handover(ctx context.Context, tx bun.IDB, kind string, id, uid int64) (s Seed, ok bool, err error)
	// Origin is item (kind, id) as uid may see it (ok false: not the
	// module's kind, or not one uid sees).
	Origin(ctx context.Context, tx bun.IDB, kind string, id, uid int64) (l Link, ok bool, err error)
}

// Child is a module whose items may be born from other modules' items.
type Child interface {
	// Children are the items born from item (kind, id) that uid may see,
	// and the address of the form that makes one ("" when the module
	// takes no child of that kind, or is off).
	Children(ctx context.Context, tx bun.IDB, kind string, id, uid int64) (born []Link, form string, err error)
}

// Handover asks the parents, in order, for what item (kind, id) hands
// over to a child uid makes; ok is false when no parent knows the kind.
func Handover(ctx context.Context, tx bun.IDB, parents []Parent, kind string, id, uid int64) (Seed, bool, error) {
	for _, p := range parents {
		if s, ok, err := p.Handover(ctx, tx, kind, id, uid); ok || err != nil {
			return s, ok, err
		}
	}
	return Seed{}, false, nil
}

// Origin asks the parents, in order, for item (kind, id) as uid sees it.
func Origin(ctx context.Context, tx bun.IDB, parents []Parent, kind string, id, uid int64) (Link, bool, error) {
	for _, p := range parents {
		if l, ok, err := p.Origin(ctx, tx, kind, id, uid); ok || err != nil {
			return l, ok, err
		}
	}
	return Link{}, false, nil
}

// Children gathers from every child module the items born from item
// (kind, id) that uid sees, and the forms that make one.
func Children(ctx context.Context, tx bun.IDB, children []Child, kind string, id, uid int64) (born []Link, forms []string, err error) {
	for _, c := range children {
		b, f, err := c.Children(ctx, tx, kind, id, uid)
		if err != nil {
			return nil, nil, err
		}
		born = append(born, b...)
		if f != "" {
			forms = append(forms, f)
		}
	}
	return born, forms, nil
}
