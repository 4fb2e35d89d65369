package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/piazza-pa/piazza/platform/taxid"
)

// seedPeople adds the people, active, each with a local account (the
// seed's password), a language, and a profile of competencies and themes;
// nineteen profiles in twenty are validated.
func (s *seeder) seedPeople(ctx context.Context) error {
	n := s.f.Users
	email, display, given, family, locale, hash := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	s.lang = locale
	for i := range n {
		given[i], family[i] = s.it.pick(givenNames), s.it.pick(familyNames)
		display[i], email[i] = given[i]+" "+family[i], emailOf(given[i], family[i], i+1)
		locale[i], hash[i] = "it", s.hash
		if s.rng.IntN(7) == 0 {
			locale[i] = "en"
		}
	}
	ids, err := insert(ctx, s.tx, "users", true, textCol("email", email), textCol("display_name", display),
		textCol("given_name", given), textCol("family_name", family), textCol("locale", locale),
		textCol("password_hash", hash), textCol("status", fill(n, "active")), textCol("email_verified_at", fill(n, "")).with("now()"))
	if err != nil {
		return err
	}
	s.people = ids
	bio, comp, themes, state := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i := range n {
		bio[i] = clip(s.writer(locale[i]).sentences(1+s.rng.IntN(2)), 2000)
		comp[i] = joinPicks(s.rng, competencies, 1+s.rng.IntN(4), "|")
		themes[i], state[i] = s.someThemes(), "validated"
		if s.rng.IntN(20) == 0 {
			state[i] = "draft"
		}
	}
	_, err = insert(ctx, s.tx, "profiles", false, intCol("user_id", ids), textCol("bio", bio),
		textCol("competencies", comp).with("string_to_array(%s, '|')"), textCol("themes", themes).with("string_to_array(%s, ',')"),
		textCol("state", state))
	return err
}

// emailOf is a person's address: given.family.n@load.example, in plain
// letters.
func emailOf(given, family string, n int) string {
	plain := func(s string) string {
		s = strings.NewReplacer("à", "a", "è", "e", "é", "e", "ì", "i", "ò", "o", "ù", "u").Replace(strings.ToLower(s))
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r
			}
			return -1
		}, s)
	}
	return fmt.Sprintf("%s.%s.%d@load.example", plain(given), plain(family), n)
}

// fill is n copies of v.
func fill(n int, v string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// joinPicks is k distinct entries of l, joined by sep.
func joinPicks(rng *rand.Rand, l []string, k int, sep string) string {
	return strings.Join(pickN(rng, l, k), sep)
}

// pickN is k distinct entries of l (all of them when it has fewer).
func pickN(rng *rand.Rand, l []string, k int) []string {
	k = min(k, len(l))
	picked := make([]string, 0, k)
	for _, i := range rng.Perm(len(l))[:k] {
		picked = append(picked, l[i])
	}
	return picked
}

// seedOrganizations adds the organisations, each created by its referent,
// and makes seven people in ten members of one of them (the large ones
// more often; one request in thirty still waits for the referent).
func (s *seeder) seedOrganizations(ctx context.Context) error {
	n := s.f.Organizations
	if n == 0 {
		return nil
	}
	cols := make([][]string, 11)
	for c := range cols {
		cols[c] = make([]string, n)
	}
	referents := make([]int64, n)
	for i := range n {
		name, form := s.organizationName(i)
		town, vat := s.it.pick(towns), vatNumber(i+1)
		for c, v := range []string{name, vat, form, town, town, s.it.pick(givenNames) + " " + s.it.pick(familyNames),
			fmt.Sprintf("info@org%d.load.example", i+1), fmt.Sprintf("+39 02 %07d", 1000000+i),
			fmt.Sprintf("https://org%d.load.example", i+1), clip(s.it.sentences(2+s.rng.IntN(3)), 4000),
			joinPicks(s.rng, competencies, 2+s.rng.IntN(4), "|")} {
			cols[c][i] = v
		}
		referents[i] = s.person()
	}
	themes := make([]string, n)
	for i := range themes {
		themes[i] = s.someThemes()
	}
	ids, err := insert(ctx, s.tx, "organizations", true, textCol("name", cols[0]), textCol("vat_number", cols[1]),
		textCol("fiscal_code", cols[1]), textCol("legal_form", cols[2]), textCol("registered_office", cols[3]),
		textCol("operating_office", cols[4]), textCol("legal_representative", cols[5]), textCol("email", cols[6]),
		textCol("phone", cols[7]), textCol("website", cols[8]), textCol("description", cols[9]),
		textCol("competencies", cols[10]).with("string_to_array(%s, '|')"),
		textCol("themes", themes).with("string_to_array(%s, ',')"), intCol("created_by", referents))
	if err != nil {
		return err
	}
	s.orgs = ids
	return s.seedOrganizationMembers(ctx, referents)
}

// seedOrganizationMembers adds each organisation's referent and employees.
func (s *seeder) seedOrganizationMembers(ctx context.Context, referents []int64) error {
	var org, user []int64
	var role, state []string
	seen := map[[2]int64]bool{}
	add := func(o, u int64, r, st string) {
		if !seen[[2]int64{o, u}] {
			seen[[2]int64{o, u}] = true
			if _, ok := s.orgOf[u]; !ok && st == "active" {
				s.orgOf[u] = o
			}
			org, user, role, state = append(org, o), append(user, u), append(role, r), append(state, st)
		}
	}
	for i, id := range s.orgs {
		add(id, referents[i], "referent", "active")
	}
	popular := rand.NewZipf(s.rng, 1.2, 4, uint64(len(s.orgs)-1))
	for _, u := range s.people {
		if s.rng.IntN(10) < 7 {
			st := "active"
			if s.rng.IntN(30) == 0 {
				st = "request_sent"
			}
			add(s.orgs[popular.Uint64()], u, "employee", st)
		}
	}
	_, err := insert(ctx, s.tx, "organization_members", false, intCol("organization_id", org), intCol("user_id", user),
		textCol("role", role), textCol("state", state), textCol("decided_at", state).with("CASE WHEN %s = 'active' THEN now() END"))
	return err
}

// organizationName is a company's, an administration's or a research
// body's name, and its legal form.
func (s *seeder) organizationName(i int) (string, string) {
	family, town := s.it.pick(familyNames), s.it.pick(towns)
	sector := capital(bareNoun(s.it.noun()))
	switch i % 10 {
	case 0:
		return fmt.Sprintf("Comune di %s %d", town, i/10+1), "Ente pubblico"
	case 1:
		return fmt.Sprintf("Fondazione %s per %s", family, strings.ToLower(sector)), "Fondazione"
	case 2:
		return fmt.Sprintf("Cooperativa %s %s", sector, town), "Società cooperativa"
	default:
		form := s.it.pick(legalForms[:2])
		return clip(fmt.Sprintf("%s %s %s", family, sector, form), 200), form
	}
}

// vatNumber is the n-th seeded VAT number, with its right check digit.
func vatNumber(n int) string {
	ten := fmt.Sprintf("%010d", 1_000_000_000+n)
	for d := '0'; d <= '9'; d++ {
		if v, err := taxid.VAT(ten + string(d)); err == nil {
			return v
		}
	}
	return ""
}
