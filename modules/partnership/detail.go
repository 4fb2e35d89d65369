package partnership

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/exchange/share"
	"github.com/piazza-pa/piazza/platform/scope"
)

// Detail is the profile's part of its page: the viewer's own interest,
// whether they may express one, and for the advisors the interests
// received.
type Detail struct {
	// Mine is the viewer's latest interest (nil for none); Respond: they
	// may express one now.
	Mine    *Interest
	Respond bool
	// Advisor: the viewer is one of the tenant's advisors; Interests are
	// the others' interests in the profile, which they follow up.
	Advisor   bool
	Interests []Interest
	// Exchange is the form that shares the profile with other
	// administrations (nil: not offered).
	Exchange *share.Form
}

// detail reads the profile's part of its page for v.
func (m *Module) detail(ctx context.Context, tx bun.IDB, v scope.Viewer, p *Profile) (any, error) {
	var d Detail
	if v.UserID == 0 {
		return d, nil
	}
	r := readerOf(ctx, v.UserID)
	all, err := interestsOf(ctx, tx, r, p.ID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].AuthorID == v.UserID {
			d.Mine = &all[i]
			continue
		}
		d.Interests = append(d.Interests, all[i])
	}
	d.Advisor = r.Advisor
	d.Respond = p.Open() && (d.Mine == nil || d.Mine.State == Withdrawn)
	if err := m.exchange(ctx, tx, p, v.UserID, &d); err != nil {
		return nil, err
	}
	return d, nil
}
