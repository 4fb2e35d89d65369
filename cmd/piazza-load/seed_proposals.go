package main

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/piazza-pa/piazza/modules/proposal"
)

// proposalRow is what expressions of interest need of a proposal.
type proposalRow struct {
	id, author int64
	// ago and closed are the minutes since its publication and since its
	// closing (0 while it is open).
	ago, closed int64
	lang        string
	community   int // index into communities, -1 for tenant-wide
}

// proposalText is a proposal's own columns, beside those item draws.
type proposalText struct {
	title, summary, body, offer, expected, kind, ip, countries, languages, themes, tags string
	// closes is its closing date in minutes from now (negative: past), 0
	// for none.
	trl, org, closes int64
}

// The weights of a proposal's kind and intellectual property (1 for a
// choice not listed): technology offers and research most often, patents
// and know-how beside the many with nothing to protect.
var (
	kindWeights = map[string]int{"research": 3, "technology": 3, "challenge": 1, "commercial": 2, "public_need": 1}
	ipWeights   = map[string]int{"patent": 3, "pending": 2, "know_how": 6, "copyright": 1, "none": 8}
	// trlRange is the development stages of a kind: research early,
	// commercial offers late, the others anywhere between.
	trlRange = map[string][2]int{"research": {1, 5}, "technology": {4, 8}, "commercial": {6, 9}}
)

// seedProposals adds the collaboration proposals over the last three
// years, scoped as discussions (seven in ten for the whole tenant, half of
// those public, most of the rest in a community) and, as news, 96%
// published, 3% waiting for validation, 1% drafts; of the published ones
// one in eight has closed at its date and one in fifty is archived, the
// others are open until a date in the next year (one in ten without one).
// Each has a kind, a development stage, intellectual property, countries,
// working languages, one to three themes, one or two of the tenant's tags
// for half of them (when it has tags) and, nine times in ten, the
// proposer's organisation (for who belongs to one).
func (s *seeder) seedProposals(ctx context.Context) error {
	n := s.f.Proposals
	if n == 0 {
		return nil
	}
	if err := s.tx.NewSelect().Table("tags").Column("id").Order("id").Scan(ctx, &s.tags); err != nil {
		return err
	}
	items, texts := make([]item, n), make([]proposalText, n)
	for i := range n {
		items[i] = s.item(i, n, 14)
		texts[i] = s.proposal(&items[i])
	}
	ids, err := insert(ctx, s.tx, "proposals", true, append(itemColumns(items), proposalColumns(texts)...)...)
	if err != nil {
		return err
	}
	for i, id := range ids {
		it := items[i]
		if (it.state == "published" || it.state == proposal.Closed) && it.kind != "interests" {
			s.proposals = append(s.proposals, proposalRow{id: id, author: it.author, ago: it.ago, closed: max(-texts[i].closes, 0),
				lang: it.lang, community: it.community})
		}
	}
	return s.proposalHistory(ctx)
}

// proposal draws a proposal's own fields, and whether a published one has
// closed or been archived since (it.state).
func (s *seeder) proposal(it *item) proposalText {
	w := s.writer(it.lang)
	t := proposalText{title: w.title(), summary: clip(w.sentences(1+s.rng.IntN(2)), 600), body: w.paragraphs(2, 5),
		offer: clip(w.sentences(2+s.rng.IntN(3)), 4000), expected: clip(w.sentences(1+s.rng.IntN(3)), 4000),
		kind: weighted(s.rng, proposal.Kinds, kindWeights), ip: weighted(s.rng, proposal.IPStatus, ipWeights),
		countries: s.countries(), languages: s.languages(it.lang), themes: s.someThemes(), tags: s.someTags()}
	r, ok := trlRange[t.kind]
	if !ok {
		r = [2]int{2, 8}
	}
	t.trl = int64(r[0] + s.rng.IntN(r[1]-r[0]+1))
	if o, ok := s.orgOf[it.author]; ok && s.rng.IntN(10) > 0 {
		t.org = o
	}
	t.closes = s.closing(it)
	return t
}

// closing draws a proposal's closing date, in minutes from now (0 for
// none): a published one may have closed (or been archived) since its
// publication; the others close in a week to a year, or have no date.
func (s *seeder) closing(it *item) int64 {
	const day = 24 * 60
	future := 7*day + s.rng.Int64N(358*day)
	switch r := s.rng.IntN(100); {
	case it.state != "published" && r < 50, it.state == "published" && r >= 24:
		return future
	case it.state != "published", r >= 14:
		return 0
	case r < 12:
		it.state = proposal.Closed
	default:
		it.state = "archived"
	}
	return -1 - s.rng.Int64N(max(it.ago, 1))
}

// proposalColumns are the columns of the proposals' own fields.
func proposalColumns(ts []proposalText) []column {
	text := func(name string, get func(*proposalText) string) column {
		v := make([]string, len(ts))
		for i := range ts {
			v[i] = get(&ts[i])
		}
		return textCol(name, v)
	}
	num := func(name string, get func(*proposalText) int64) column {
		v := make([]int64, len(ts))
		for i := range ts {
			v[i] = get(&ts[i])
		}
		return intCol(name, v)
	}
	const list, ids = "string_to_array(%s, ',')", "string_to_array(%s, ',')::bigint[]"
	return []column{text("title", func(t *proposalText) string { return t.title }),
		text("summary", func(t *proposalText) string { return t.summary }),
		text("body", func(t *proposalText) string { return t.body }),
		text("offer", func(t *proposalText) string { return t.offer }),
		text("expected", func(t *proposalText) string { return t.expected }),
		text("kind", func(t *proposalText) string { return t.kind }),
		text("ip_status", func(t *proposalText) string { return t.ip }),
		text("countries", func(t *proposalText) string { return t.countries }).with(list),
		text("languages", func(t *proposalText) string { return t.languages }).with(list),
		text("themes", func(t *proposalText) string { return t.themes }).with(list),
		text("tags", func(t *proposalText) string { return t.tags }).with(ids),
		num("trl", func(t *proposalText) int64 { return t.trl }),
		num("organization_id", func(t *proposalText) int64 { return t.org }).with("nullif(%s, 0)"),
		num("closes_at", func(t *proposalText) int64 { return t.closes }).
			with("CASE WHEN %[1]s = 0 THEN NULL ELSE now() + make_interval(mins => %[1]s::int) END")}
}

// proposalHistory records each proposal's creation, its submission or
// publication, and its closing (by the schedule, at its date) or its
// archiving (by the tenant's admin), as the workflow would have.
func (s *seeder) proposalHistory(ctx context.Context) error {
	_, err := s.tx.ExecContext(ctx, historySQL(`
		SELECT ?0, id, 'create', '', 'draft', author_id, created_at, 1 FROM proposals UNION ALL
		SELECT ?0, id, CASE state WHEN 'to_validate' THEN 'submit' ELSE 'publish' END, 'draft',
			CASE state WHEN 'to_validate' THEN 'to_validate' ELSE 'published' END, author_id, coalesce(published_at, created_at), 2
			FROM proposals WHERE state <> 'draft' UNION ALL
		SELECT ?0, id, 'close', 'published', 'closed', NULL, closes_at, 3 FROM proposals WHERE state = 'closed' UNION ALL
		SELECT ?0, id, 'archive', 'published', 'archived', ?1, coalesce(closes_at, now()), 3 FROM proposals WHERE state = 'archived'`),
		proposal.ContentType, s.people[0])
	return err
}

// historySQL records the workflow steps steps selects (content type, item,
// action, states, actor, time and the step's order), in order, so that
// steps at the same time keep it.
func historySQL(steps string) string {
	return `INSERT INTO workflow_history (content_type, item_id, action, from_state, to_state, actor_id, at)
		SELECT content_type, item_id, action, from_state, to_state, actor_id, at
		FROM (` + steps + `) AS s (content_type, item_id, action, from_state, to_state, actor_id, at, step)
		ORDER BY item_id, at, step`
}

// weighted is an entry of l drawn with the weights w (1 for an entry w
// does not list).
func weighted(rng *rand.Rand, l []string, w map[string]int) string {
	weight := func(v string) int {
		if n, ok := w[v]; ok {
			return n
		}
		return 1
	}
	total := 0
	for _, v := range l {
		total += weight(v)
	}
	r := rng.IntN(total)
	for _, v := range l {
		if r -= weight(v); r < 0 {
			return v
		}
	}
	return l[0]
}

// countries is Italy and, two times in three, one to three other
// countries, comma-separated.
func (s *seeder) countries() string {
	abroad := slices.DeleteFunc(slices.Clone(proposal.Countries), func(c string) bool { return c == "IT" })
	if k := s.rng.IntN(4); k > 0 {
		return "IT," + joinPicks(s.rng, abroad, k, ",")
	}
	return "IT"
}

// languages are the proposal's own language, English beside Italian one
// time in two, and now and then another one.
func (s *seeder) languages(lang string) string {
	l := []string{lang}
	if lang != "en" && s.rng.IntN(2) == 0 {
		l = append(l, "en")
	}
	if other := proposal.Languages[s.rng.IntN(len(proposal.Languages))]; s.rng.IntN(10) == 0 && !slices.Contains(l, other) {
		l = append(l, other)
	}
	return strings.Join(l, ",")
}

// someTags is, for half the proposals of a tenant with tags, one or two of
// them (comma-separated ids), else none.
func (s *seeder) someTags() string {
	if len(s.tags) == 0 || s.rng.IntN(2) == 0 {
		return ""
	}
	ids := make([]string, len(s.tags))
	for i, id := range s.tags {
		ids[i] = strconv.FormatInt(id, 10)
	}
	return joinPicks(s.rng, ids, 1+s.rng.IntN(2), ",")
}
