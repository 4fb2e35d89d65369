package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/storage"
)

// seeder fills one tenant inside its transaction. What later steps refer to
// (people, communities and their members) it keeps by position.
type seeder struct {
	tx     bun.Tx
	f      figures
	rng    *rand.Rand
	it, en *writer
	hash   string
	step   func(what string, n int, began time.Time)
	themes []string

	people []int64
	lang   []string // each person's language
	orgs   []int64
	// orgOf is the organisation each person is an active member of (the
	// first one, for who has several).
	orgOf map[int64]int64
	// tags are the tenant's tags (none unless its admins added some).
	tags []int64
	// communities, with each one's manager and active members (ids).
	communities []int64
	managers    []int64
	members     [][]int64
	discussions []discussionRow
	// proposals are the published and closed proposals for the whole
	// tenant or a community (those people express interest in); groups
	// counts the work groups made.
	proposals []proposalRow
	groups    int
	// files keeps the documents' versions; slug is the tenant's.
	files storage.Store
	slug  string
	// tokens are the members' session tokens, by user id.
	tokens map[int64]string
}

// discussionRow is what replies need of a discussion.
type discussionRow struct {
	id, ago   int64
	lang      string
	community int // index into communities, -1 for tenant-wide
}

// sessionMethod marks the sessions the seed opens (replaced at each seed).
const sessionMethod = "load"

func newSeeder(tx bun.Tx, f figures, tenantNo uint64, hash string, step func(string, int, time.Time)) *seeder {
	rng := rand.New(rand.NewPCG(f.Seed, tenantNo))
	return &seeder{tx: tx, f: f, rng: rng, it: newWriter(rng, &italian, "it"), en: newWriter(rng, &english, "en"),
		hash: hash, step: step, tokens: map[int64]string{}, orgOf: map[int64]int64{}}
}

// fill seeds a tenant with no people yet; a tenant already holding the
// same numbers of people, organisations, communities (besides the
// proposals' work groups), proposals and expressions of interest is taken
// as seeded before (its content is left as it is); another one is refused.
// Either way every person is then signed in anew.
func (s *seeder) fill(ctx context.Context, slug string) error {
	s.slug = slug
	var has figures
	err := s.tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM organizations),
		(SELECT count(*) FROM communities WHERE id NOT IN (SELECT work_group_id FROM proposals WHERE work_group_id IS NOT NULL)
			AND id NOT IN (SELECT community_id FROM projects WHERE community_id IS NOT NULL)),
		(SELECT count(*) FROM proposals), (SELECT count(*) FROM proposal_interests), (SELECT count(*) FROM projects),
		(SELECT count(*) FROM documents)`).
		Scan(&has.Users, &has.Organizations, &has.Communities, &has.Proposals, &has.Interests, &has.Projects, &has.Documents)
	if err != nil {
		return err
	}
	f := s.f
	switch {
	case has.Users == 0:
		if err := s.fresh(ctx); err != nil {
			return err
		}
	case has.Users != f.Users || has.Organizations != f.Organizations || has.Communities != f.Communities ||
		has.Proposals != f.Proposals || has.Interests != f.Interests || has.Projects != f.Projects || has.Documents != f.Documents:
		return fmt.Errorf("already holds %d people, %d organisations, %d communities, %d proposals, %d expressions of interest, %d projects and %d documents, "+
			"not the %d, %d, %d, %d, %d, %d and %d asked: seed under another -prefix, or delete it first (piazza tenant delete %s --purge)",
			has.Users, has.Organizations, has.Communities, has.Proposals, has.Interests, has.Projects, has.Documents,
			f.Users, f.Organizations, f.Communities, f.Proposals, f.Interests, f.Projects, f.Documents, slug)
	}
	return s.signIn(ctx)
}

// fresh runs the seeding steps in order.
func (s *seeder) fresh(ctx context.Context) error {
	if err := s.tx.NewSelect().Table("themes").Column("key").Order("position").Scan(ctx, &s.themes); err != nil {
		return err
	}
	if err := auth.SetLocalAccounts(ctx, s.tx, true); err != nil {
		return err
	}
	steps := []struct {
		what string
		n    *int
		run  func(context.Context) error
	}{
		{"people", &s.f.Users, s.seedPeople},
		{"organisations", &s.f.Organizations, s.seedOrganizations},
		{"communities", &s.f.Communities, s.seedCommunities},
		{"news", &s.f.News, s.seedNews},
		{"discussions", &s.f.Discussions, s.seedDiscussions},
		{"discussions' replies", nil, s.seedReplies},
		{"proposals", &s.f.Proposals, s.seedProposals},
		{"expressions of interest", &s.f.Interests, s.seedInterests},
		{"work groups", &s.groups, s.seedWorkGroups},
		{"projects", &s.f.Projects, s.seedProjects},
		{"documents", &s.f.Documents, func(ctx context.Context) error { return s.seedDocuments(ctx, s.slug, s.files) }},
	}
	for _, st := range steps {
		began := time.Now()
		if err := st.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
		n := 0
		if st.n != nil {
			n = *st.n
		} else {
			_ = s.tx.QueryRowContext(ctx, "SELECT count(*) FROM comments").Scan(&n)
		}
		s.step(st.what, n, began)
	}
	// The planner sees the new rows at once, as after autovacuum's pass.
	_, err := s.tx.ExecContext(ctx, `ANALYZE users, profiles, organizations, organization_members, communities,
		community_members, news, discussions, comments, proposals, proposal_interests, workflow_history,
		projects, project_members, project_work_packages, project_tasks, project_task_dependencies, project_task_assignees, project_milestones,
		project_partners, project_budget_lines, project_expenses, project_budget_history, project_reports`)
	return err
}

// signIn replaces the sessions of earlier seeds with a new one for every
// active person.
func (s *seeder) signIn(ctx context.Context) error {
	began := time.Now()
	if _, err := s.tx.ExecContext(ctx, "DELETE FROM sessions WHERE method = ?", sessionMethod); err != nil {
		return err
	}
	var ids []int64
	if err := s.tx.NewSelect().Table("users").Column("id").Where("status = 'active'").Order("id").Scan(ctx, &ids); err != nil {
		return err
	}
	hashes := make([]string, len(ids))
	for i, id := range ids {
		token := secret.Token(32)
		s.tokens[id] = token
		hashes[i] = hex.EncodeToString(secret.Digest(token))
	}
	expires := make([]string, len(ids))
	methods := make([]string, len(ids))
	for i := range ids {
		expires[i], methods[i] = time.Now().Add(12*time.Hour).UTC().Format(time.RFC3339), sessionMethod
	}
	_, err := insert(ctx, s.tx, "sessions", false, textCol("token_hash", hashes).with("decode(%s, 'hex')"),
		intCol("user_id", ids), textCol("expires_at", expires).with("%s::timestamptz"), textCol("method", methods))
	s.step("sessions", len(ids), began)
	return err
}

// writer is the writer of a language.
func (s *seeder) writer(lang string) *writer {
	if lang == "en" {
		return s.en
	}
	return s.it
}

// language is Italian for four items in five, else English.
func (s *seeder) language() string {
	if s.rng.IntN(5) == 0 {
		return "en"
	}
	return "it"
}

// someThemes is one to three of the tenant's themes, comma-separated.
func (s *seeder) someThemes() string {
	return joinPicks(s.rng, s.themes, 1+s.rng.IntN(3), ",")
}

// person is a random person's id.
func (s *seeder) person() int64 { return s.people[s.rng.IntN(len(s.people))] }
