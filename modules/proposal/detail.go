package proposal

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/exchange/share"
	"github.com/piazza-pa/piazza/platform/lineage"
	"github.com/piazza-pa/piazza/platform/match"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/taxonomy"
	"github.com/piazza-pa/piazza/platform/workflow"
)

// Detail is the proposal's part of its page: its tags' names, the
// viewer's own expression of interest or whether they may express one,
// and for its proposer (and the facilitators) the expressions received,
// the work group and who could be interested.
type Detail struct {
	Tags []string
	// Mine is the viewer's expression of interest (nil for none);
	// Respond: they may express one.
	Mine    *Interest
	Respond bool
	// Proposer: the viewer is its proposer; Interests are those received
	// that the viewer reads (proposer, facilitators).
	Proposer  bool
	Interests []Interest
	// Relevant counts the respondents judged relevant; Joinable those of
	// them not yet in the work group (all, before it exists).
	Relevant, Joinable int
	// Matching: the viewer (proposer, facilitator) sees who could be
	// interested in the open proposal, Suggestions, and invites them.
	Matching    bool
	Suggestions []match.Suggestion
	// Born are the items born from the proposal that the viewer sees (a
	// project); Continue, for its proposer, the form that starts one from
	// its work group ("" for none).
	Born     []lineage.Link
	Continue string
	// Exchange is the form that shares the proposal with other
	// administrations, for who may (nil: none).
	Exchange *share.Form
}

// detail reads the proposal's part of its page for v.
func (m *Module) detail(ctx context.Context, tx bun.IDB, v scope.Viewer, p *Proposal) (any, error) {
	d := Detail{Proposer: v.UserID != 0 && p.Author() == v.UserID}
	if err := tagNames(ctx, tx, p.Tags, &d); err != nil || v.UserID == 0 {
		return d, err
	}
	all, err := interestsOf(ctx, tx, readerOf(ctx, v.UserID), p.ID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].AuthorID == v.UserID {
			d.Mine = &all[i]
			continue
		}
		d.Interests = append(d.Interests, all[i])
		if all[i].State == Relevant {
			d.Relevant++
		}
	}
	d.Respond = d.Mine == nil && !d.Proposer && p.Open()
	if d.Proposer && d.Relevant > 0 && (p.State == workflow.Published || p.State == Closed) {
		if err := m.joinable(ctx, tx, p, &d); err != nil {
			return nil, err
		}
	}
	if err := m.born(ctx, tx, p, v.UserID, &d); err != nil {
		return nil, err
	}
	if err := m.exchange(ctx, tx, p, v.UserID, &d); err != nil {
		return nil, err
	}
	if d.Matching = p.Open() && matches(ctx, p, v.UserID); d.Matching {
		d.Suggestions, err = suggest(ctx, tx, p, v.UserID)
	}
	return d, err
}

// joinable counts the relevant respondents not yet in p's work group.
func (m *Module) joinable(ctx context.Context, tx bun.IDB, p *Proposal, d *Detail) error {
	if p.WorkGroupID == nil {
		d.Joinable = d.Relevant
		return nil
	}
	var relevant []int64
	if err := tx.NewRaw(relevantSQL, p.ID).Scan(ctx, &relevant); err != nil {
		return err
	}
	in, err := community.Members(ctx, tx, *p.WorkGroupID, community.Active)
	for _, uid := range relevant {
		if !slices.ContainsFunc(in, func(x community.Member) bool { return x.UserID == uid }) {
			d.Joinable++
		}
	}
	return err
}

// tagNames fills d.Tags with the names of the tags ids, in the tags' order.
func tagNames(ctx context.Context, tx bun.IDB, ids []int64, d *Detail) error {
	if len(ids) == 0 {
		return nil
	}
	tags, err := taxonomy.Tags(ctx, tx)
	for _, t := range tags {
		if slices.Contains(ids, t.ID) {
			d.Tags = append(d.Tags, t.Path)
		}
	}
	return err
}
