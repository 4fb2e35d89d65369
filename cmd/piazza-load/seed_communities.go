package main

import (
	"context"
	"math/rand/v2"

	"github.com/uptrace/bun/dialect/pgdialect"
)

// seedCommunities adds the communities (three in five open, one in four
// reserved, the rest closed; every tenth a sub-community of an earlier
// one), each created and managed by one person, and their members.
func (s *seeder) seedCommunities(ctx context.Context) error {
	n := s.f.Communities
	if n == 0 {
		return nil
	}
	name, desc, kind, themes := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	parent := make([]int64, n) // position+1 of the parent, 0 for none
	s.managers = make([]int64, n)
	for i := range n {
		noun := s.it.noun()
		name[i] = clip(capital(bareNoun(noun))+" "+agree(s.it.pick(s.it.v.adjectives), noun), 100)
		if s.rng.IntN(3) == 0 {
			name[i] += " " + s.it.pick(towns)
		}
		desc[i] = clip(s.it.sentences(2+s.rng.IntN(2)), 4000)
		kind[i], themes[i], s.managers[i] = communityKind(i), s.someThemes(), s.person()
		if i%10 == 9 {
			for p := s.rng.IntN(i); parent[i] == 0; p = (p + 1) % i {
				if parent[p] == 0 {
					parent[i] = int64(p + 1)
				}
			}
		}
	}
	ids, err := insert(ctx, s.tx, "communities", true, textCol("name", name), textCol("description", desc),
		textCol("kind", kind), textCol("themes", themes).with("string_to_array(%s, ',')"), intCol("created_by", s.managers))
	if err != nil {
		return err
	}
	s.communities = ids
	// Sub-communities point at their parent once every id is known.
	var child, of []int64
	for i, p := range parent {
		if p != 0 {
			child, of = append(child, ids[i]), append(of, ids[p-1])
		}
	}
	if len(child) > 0 {
		_, err = s.tx.ExecContext(ctx, `UPDATE communities AS c SET parent_id = r.parent
			FROM unnest(?::bigint[], ?::bigint[]) AS r(id, parent) WHERE c.id = r.id`, pgdialect.Array(child), pgdialect.Array(of))
		if err != nil {
			return err
		}
	}
	return s.seedCommunityMembers(ctx, kind)
}

// kindCycle spreads the kinds of communities: of every twenty, twelve
// open, five reserved, three closed.
const kindCycle = "orocoroorocoroorooco"

// communityKind is the kind of the i-th community.
func communityKind(i int) string {
	switch kindCycle[i%len(kindCycle)] {
	case 'r':
		return "reserved"
	case 'c':
		return "closed"
	}
	return "open"
}

// seedCommunityMembers adds each community's manager, then has every
// person join about f.Joins communities (the popular ones more often):
// active in open ones; in reserved ones one request in ten still waits,
// in closed ones one invitation in seven; a few members are editors or
// authors.
func (s *seeder) seedCommunityMembers(ctx context.Context, kind []string) error {
	var comm, user, invitedBy []int64
	var role, state []string
	s.members = make([][]int64, len(s.communities))
	seen := map[[2]int]bool{}
	add := func(c int, u int64, r, st string) {
		if seen[[2]int{c, int(u)}] {
			return
		}
		seen[[2]int{c, int(u)}] = true
		by := int64(0)
		if st == "invited" {
			by = s.managers[c]
		}
		comm, user, role, state, invitedBy = append(comm, s.communities[c]), append(user, u), append(role, r), append(state, st), append(invitedBy, by)
		if st == "active" {
			s.members[c] = append(s.members[c], u)
		}
	}
	for c := range s.communities {
		add(c, s.managers[c], "manager", "active")
	}
	popular := rand.NewZipf(s.rng, 1.1, 8, uint64(len(s.communities)-1))
	for _, u := range s.people {
		for range s.rng.IntN(2*s.f.Joins + 1) {
			c := int(popular.Uint64())
			add(c, u, memberRole(s.rng), memberState(s.rng, kind[c]))
		}
	}
	_, err := insert(ctx, s.tx, "community_members", false, intCol("community_id", comm), intCol("user_id", user),
		textCol("role", role), textCol("state", state), intCol("invited_by", invitedBy).with("nullif(%s, 0)"),
		textCol("decided_at", state).with("CASE WHEN %s = 'active' THEN now() END"))
	return err
}

func memberRole(rng *rand.Rand) string {
	switch rng.IntN(20) {
	case 0:
		return "editor"
	case 1:
		return "author"
	}
	return "participant"
}

func memberState(rng *rand.Rand, kind string) string {
	switch {
	case kind == "reserved" && rng.IntN(10) == 0:
		return "request_sent"
	case kind == "closed" && rng.IntN(7) == 0:
		return "invited"
	}
	return "active"
}
