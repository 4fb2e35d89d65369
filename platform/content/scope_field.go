package content

import (
	"slices"

	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// ScopeChoices are what a form's scope field (the partial content-scope)
// offers besides its kinds and the themes. A type's Choices are, or
// embed, ScopeChoices.
type ScopeChoices struct {
	// Communities and Organizations are the member's (items with ID and
	// Name); nil offers none.
	Communities, Organizations any
	// Tags are the site's tags, offered with the themes.
	Tags []taxonomy.Tag
	// Public offers to show an item for the whole site to guests too.
	Public bool
}

// Scoped is c itself: what ScopeField finds in a type's Choices.
func (c ScopeChoices) Scoped() ScopeChoices { return c }

// ScopeField is the data of the partial content-scope.
type ScopeField struct {
	L *i18n.Localizer
	// Scope is what the form holds; Error why it was refused.
	Scope         scope.Scope
	Kinds, Themes []string
	Error         string
	ScopeChoices
}

// ScopeField is the form's scope field: the item's scope, the type's
// kinds, the themes and the choices of the type's Choices.
func (v FormView[P]) ScopeField() ScopeField {
	f := ScopeField{L: v.L, Kinds: v.Kinds, Themes: v.Themes, Error: v.Errors["scope"]}
	if e, ok := any(v.Item).(interface{ Content() *Base }); ok {
		f.Scope = e.Content().Scope
	}
	if c, ok := v.Choices.(interface{ Scoped() ScopeChoices }); ok {
		f.ScopeChoices = c.Scoped()
	}
	return f
}

// Theme reports whether the scope names theme t.
func (f ScopeField) Theme(t string) bool { return slices.Contains(f.Scope.Themes, t) }

// Tag reports whether the scope names tag id.
func (f ScopeField) Tag(id int64) bool { return slices.Contains(f.Scope.Tags, id) }

// Community reports whether the scope names community id.
func (f ScopeField) Community(id int64) bool { return slices.Contains(f.Scope.Communities, id) }

// Organization reports whether the scope names organisation id.
func (f ScopeField) Organization(id int64) bool {
	return slices.Contains(f.Scope.Organizations, id)
}
