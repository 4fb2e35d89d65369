package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/modules/community"
)

// interestRow is an expression of interest to write.
type interestRow struct {
	proposal, author, org int64
	// ago and changed are the minutes since it was written and since it
	// last changed state.
	ago, changed             int64
	offer, role, state, note string
}

// The states of expressions of interest, and their weights: of every
// twenty, six submitted, three in evaluation, four judged relevant, three
// not relevant, two withdrawn and two drafts.
var (
	interestStates  = []string{"submitted", "in_evaluation", "relevant", "not_relevant", "withdrawn", "draft"}
	interestWeights = map[string]int{"submitted": 6, "in_evaluation": 3, "relevant": 4, "not_relevant": 3, "withdrawn": 2, "draft": 2}
)

// errNoProposal is expressions of interest asked for with no proposal open
// to them.
var errNoProposal = errors.New("no published proposal for the whole tenant or a community to express interest in")

// seedInterests adds the expressions of interest in the published and
// closed proposals (for the whole tenant or a community), the popular
// proposals receiving several: each by someone who may see the proposal (a
// member of its community, for a community's) other than its proposer, at
// most one per person and proposal, written while it was open, half of
// those by members of an organisation on its behalf.
func (s *seeder) seedInterests(ctx context.Context) error {
	n := s.f.Interests
	if n == 0 {
		return nil
	}
	if len(s.proposals) == 0 {
		return errNoProposal
	}
	order := s.rng.Perm(len(s.proposals))
	popular := rand.NewZipf(s.rng, 1.1, 8, uint64(len(order)-1))
	seen := map[[2]int64]bool{}
	rows := make([]interestRow, 0, n)
	for tries := 0; len(rows) < n; tries++ {
		if tries == 50*n {
			return fmt.Errorf("found respondents for %d expressions of interest, not %d: too few people or proposals", len(rows), n)
		}
		p := s.proposals[order[popular.Uint64()]]
		who := s.replier(p.community)
		if who == p.author || seen[[2]int64{p.id, who}] {
			continue
		}
		seen[[2]int64{p.id, who}] = true
		rows = append(rows, s.interest(p, who))
	}
	if err := s.insertInterests(ctx, rows); err != nil {
		return err
	}
	return s.interestHistory(ctx)
}

// interest draws who's expression of interest in p: its state, offer,
// role, organisation, the proposer's note on a decision, and its dates.
func (s *seeder) interest(p proposalRow, who int64) interestRow {
	w := s.writer(p.lang)
	r := interestRow{proposal: p.id, author: who, state: weighted(s.rng, interestStates, interestWeights),
		offer: clip(w.sentences(1+s.rng.IntN(3)), 4000)}
	if s.rng.IntN(10) > 0 {
		r.role = w.pick(w.v.roles)
	}
	if o, ok := s.orgOf[who]; ok && s.rng.IntN(2) == 0 {
		r.org = o
	}
	r.ago = p.closed + s.rng.Int64N(max(p.ago-p.closed, 1))
	r.changed = r.ago
	switch r.state {
	case "relevant", "not_relevant":
		r.note = clip(w.sentence(false), 1000)
		fallthrough
	case "in_evaluation", "withdrawn":
		r.changed = s.rng.Int64N(max(r.ago, 1))
	}
	return r
}

func (s *seeder) insertInterests(ctx context.Context, rows []interestRow) error {
	n := len(rows)
	prop, author, org, ago, changed := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	offer, role, state, note := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, r := range rows {
		prop[i], author[i], org[i], ago[i], changed[i] = r.proposal, r.author, r.org, r.ago, r.changed
		offer[i], role[i], state[i], note[i] = r.offer, r.role, r.state, r.note
	}
	const at = "now() - make_interval(mins => %s::int)"
	_, err := insert(ctx, s.tx, "proposal_interests", false, intCol("proposal_id", prop), intCol("author_id", author),
		intCol("organization_id", org).with("nullif(%s, 0)"), textCol("offer", offer), textCol("role", role),
		textCol("state", state), textCol("note", note), intCol("created_at", ago).with(at), intCol("updated_at", changed).with(at))
	return err
}

// interestHistory records the steps that led each expression of interest
// to its state, as the workflow would have: written and submitted by its
// author, taken into evaluation and decided by the proposer, or withdrawn.
func (s *seeder) interestHistory(ctx context.Context) error {
	_, err := s.tx.ExecContext(ctx, historySQL(`
		SELECT 'proposal_interest', id, 'create', '', 'draft', author_id, created_at, 1 FROM proposal_interests UNION ALL
		SELECT 'proposal_interest', id, 'submit', 'draft', 'submitted', author_id, created_at, 2 FROM proposal_interests
			WHERE state <> 'draft' UNION ALL
		SELECT 'proposal_interest', i.id, 'evaluate', 'submitted', 'in_evaluation', p.author_id,
			CASE i.state WHEN 'in_evaluation' THEN i.updated_at ELSE i.created_at + (i.updated_at - i.created_at) / 2 END, 3
			FROM proposal_interests AS i JOIN proposals AS p ON p.id = i.proposal_id
			WHERE i.state IN ('in_evaluation', 'relevant', 'not_relevant') UNION ALL
		SELECT 'proposal_interest', i.id, i.state, 'in_evaluation', i.state, p.author_id, i.updated_at, 4
			FROM proposal_interests AS i JOIN proposals AS p ON p.id = i.proposal_id
			WHERE i.state IN ('relevant', 'not_relevant') UNION ALL
		SELECT 'proposal_interest', id, 'withdraw', 'submitted', 'withdrawn', author_id, updated_at, 3 FROM proposal_interests
			WHERE state = 'withdrawn'`))
	return err
}

// seedWorkGroups makes the work groups of the proposals with two
// respondents or more judged relevant, and of one in three of those with
// one, as the proposer's button makes them: a closed community the
// proposer manages, the relevant respondents its participants, linked both
// ways (the proposal's work_group_id, which the community's page follows
// back).
func (s *seeder) seedWorkGroups(ctx context.Context) error {
	if s.f.Interests == 0 {
		return nil
	}
	var rows []struct {
		ID       int64    `bun:"id"`
		Author   int64    `bun:"author_id"`
		Title    string   `bun:"title"`
		Summary  string   `bun:"summary"`
		Themes   []string `bun:"themes,array"`
		Relevant []int64  `bun:"relevant,array"`
	}
	err := s.tx.NewRaw(`SELECT p.id, p.author_id, p.title, p.summary, p.themes, array_agg(i.author_id ORDER BY i.id) AS relevant
		FROM proposals AS p JOIN proposal_interests AS i ON i.proposal_id = p.id AND i.state = 'relevant'
		GROUP BY p.id ORDER BY p.id`).Scan(ctx, &rows)
	if err != nil {
		return err
	}
	var proposals, groups []int64
	for _, r := range rows {
		if len(r.Relevant) < 2 && s.rng.IntN(3) > 0 {
			continue
		}
		g := &community.Community{Name: clip(r.Title, 120), Description: r.Summary, Themes: r.Themes}
		if err := community.CreateGroup(ctx, s.tx, g, r.Author, r.Relevant); err != nil {
			return err
		}
		proposals, groups = append(proposals, r.ID), append(groups, g.ID)
	}
	s.groups = len(groups)
	_, err = s.tx.ExecContext(ctx, `UPDATE proposals AS p SET work_group_id = r.g
		FROM unnest(?::bigint[], ?::bigint[]) AS r(id, g) WHERE p.id = r.id`, pgdialect.Array(proposals), pgdialect.Array(groups))
	return err
}
