package proposal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/lineage"
	"github.com/piazza-pa/piazza/platform/web"
)

// What a proposal hands over to the items born from it (a project born
// from its work group), through platform/lineage: no module of those
// items is imported here.

// Collect finds the modules whose items may be born from a proposal.
func (m *Module) Collect(mods []web.Module) { m.children = web.Offered[lineage.Child](mods) }

// visibleTo reads proposal id as uid may see it (nil for none).
func (m *Module) visibleTo(ctx context.Context, tx bun.IDB, id, uid int64) (*Proposal, error) {
	var p Proposal
	err := selectFor(tx, m.ViewerAs(ctx, uid), &p).Where("p.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("proposal: %w", err)
	}
	return &p, nil
}

// Handover is what proposal id hands over to an item its proposer uid
// makes of it: its title, summary and themes, its work group, and its
// respondents judged relevant with the organisation each answered for.
func (m *Module) Handover(ctx context.Context, tx bun.IDB, kind string, id, uid int64) (lineage.Seed, bool, error) {
	if kind != ContentType || off(ctx) {
		return lineage.Seed{}, false, nil
	}
	p, err := m.visibleTo(ctx, tx, id, uid)
	if err != nil || p == nil {
		return lineage.Seed{}, true, errOr(err, ErrNotFound)
	}
	if p.Author() != uid {
		return lineage.Seed{}, true, authz.ErrForbidden
	}
	s := lineage.Seed{Kind: kind, ID: p.ID, Title: p.Title, Summary: p.Summary, Themes: p.Topics, Owner: uid,
		Link: lineage.Link{Kind: "proposal.kind", Title: p.Title, URL: m.URL(p.ID)}}
	if p.WorkGroupID != nil {
		s.Community = *p.WorkGroupID
	}
	err = tx.NewRaw(`SELECT author_id AS user_id, coalesce(organization_id, 0) AS organization_id FROM proposal_interests
		WHERE proposal_id = ? AND state = 'relevant' AND author_id IS NOT NULL ORDER BY id`, p.ID).Scan(ctx, &s.People)
	return s, true, err
}

// Origin is proposal id as uid may see it, for the page of an item born
// from it.
func (m *Module) Origin(ctx context.Context, tx bun.IDB, kind string, id, uid int64) (lineage.Link, bool, error) {
	if kind != ContentType || off(ctx) {
		return lineage.Link{}, false, nil
	}
	p, err := m.visibleTo(ctx, tx, id, uid)
	if err != nil || p == nil {
		return lineage.Link{}, false, err
	}
	return lineage.Link{Kind: "proposal.kind", Title: p.Title, URL: m.URL(p.ID)}, true, nil
}

// born fills d with the items born from proposal p that uid sees and,
// for its proposer once its work group exists and nothing was born of it
// yet, the form that starts one.
func (m *Module) born(ctx context.Context, tx bun.IDB, p *Proposal, uid int64, d *Detail) error {
	var forms []string
	var err error
	if d.Born, forms, err = lineage.Children(ctx, tx, m.children, ContentType, p.ID, uid); err != nil {
		return err
	}
	if d.Proposer && p.WorkGroupID != nil && len(d.Born) == 0 && len(forms) > 0 {
		d.Continue = forms[0]
	}
	return nil
}

// errOr is err when there is one, else alt.
func errOr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}
