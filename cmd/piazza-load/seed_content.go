package main

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"
)

// spanMinutes is how far back the seeded items go: three years.
const spanMinutes = 3 * 365 * 24 * 60

// item is what news and discussions share: language, author, scope,
// state and age.
type item struct {
	lang, kind, themes, communities, state string
	author, public, ago                    int64
	community                              int // index into s.communities, -1 if none
}

// item draws an item's language, scope, author, state and age: the i-th of
// n is about i/n of the span newer than the first; tenantShare in twenty
// are for the whole tenant (half of those public), one in twenty for the
// people interested in some themes, the rest in a community (written by
// one of its members). Ninety-six in a hundred are published, three wait
// for validation, one is a draft; those four were written at times spread
// like the others' (a tenant's drafts and waiting items accumulate over
// the years), and have no publication date.
func (s *seeder) item(i, n, tenantShare int) item {
	it := item{lang: s.language(), kind: "tenant", state: "published", author: s.person(), community: -1}
	switch r := s.rng.IntN(20); {
	case r < tenantShare || len(s.communities) == 0:
		it.public = int64(s.rng.IntN(2))
	case r < 19:
		it.kind, it.community = "communities", s.rng.IntN(len(s.communities))
		if m := s.members[it.community]; len(m) > 0 {
			it.author = m[s.rng.IntN(len(m))]
		}
		it.communities = strconv.FormatInt(s.communities[it.community], 10)
	default:
		it.kind, it.themes = "interests", s.someThemes()
	}
	step := int64(spanMinutes / max(n, 1))
	it.ago = int64(n-i)*step + s.rng.Int64N(max(step, 1))
	switch r := s.rng.IntN(100); {
	case r >= 99:
		it.state, it.public = "draft", 0
	case r >= 96:
		it.state, it.public = "to_validate", 0
	}
	return it
}

// itemColumns are the columns of the shared scope, state and dates.
func itemColumns(items []item) []column {
	n := len(items)
	lang, kind, themes, comms, state := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	author, public, ago, published := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, it := range items {
		lang[i], kind[i], themes[i], comms[i], state[i] = it.lang, it.kind, it.themes, it.communities, it.state
		author[i], public[i], ago[i], published[i] = it.author, it.public, it.ago, it.ago
		if it.state == "draft" || it.state == "to_validate" {
			published[i] = -1
		}
	}
	const at = "CASE WHEN %[1]s < 0 THEN NULL ELSE now() - make_interval(mins => %[1]s::int) END"
	const made = "now() - make_interval(mins => greatest(%[1]s, 0)::int)"
	return []column{textCol("language", lang), textCol("scope_kind", kind),
		textCol("scope_themes", themes).with("string_to_array(%s, ',')"),
		textCol("scope_communities", comms).with("string_to_array(%s, ',')::bigint[]"), textCol("state", state),
		intCol("author_id", author), intCol("public", public).with("%s <> 0"), intCol("published_at", published).with(at),
		intCol("created_at", ago).with(made), intCol("updated_at", ago).with(made)}
}

// seedNews adds the news: a title, a summary, a body of two to five
// paragraphs, a category, now and then a subtitle; one in fifty in
// evidence.
func (s *seeder) seedNews(ctx context.Context) error {
	n := s.f.News
	items := make([]item, n)
	title, subtitle, summary, body, category := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	evidence := make([]int64, n)
	for i := range n {
		items[i] = s.item(i, n, 10)
		w := s.writer(items[i].lang)
		title[i], summary[i], body[i] = w.title(), clip(w.sentences(1+s.rng.IntN(2)), 600), w.paragraphs(2, 5)
		category[i] = s.it.pick(categories)
		if s.rng.IntN(3) == 0 {
			subtitle[i] = clip(w.sentence(false), 300)
		}
		if s.rng.IntN(50) == 0 && items[i].state == "published" {
			evidence[i] = 1
		}
	}
	cols := append(itemColumns(items), textCol("title", title), textCol("subtitle", subtitle), textCol("summary", summary),
		textCol("body", body), textCol("category", category), intCol("in_evidence", evidence).with("%s <> 0"))
	if _, err := insert(ctx, s.tx, "news", false, cols...); err != nil {
		return err
	}
	return s.history(ctx, "news", "news")
}

// seedDiscussions adds the discussions: a question and one to three
// paragraphs; seven in ten for the whole tenant, one in twenty closed.
func (s *seeder) seedDiscussions(ctx context.Context) error {
	n := s.f.Discussions
	if n == 0 {
		return nil
	}
	items := make([]item, n)
	title, body := make([]string, n), make([]string, n)
	closed := make([]int64, n)
	for i := range n {
		items[i] = s.item(i, n, 14)
		w := s.writer(items[i].lang)
		title[i], body[i] = w.title()+"?", w.paragraphs(1, 3)
		if s.rng.IntN(20) == 0 {
			closed[i] = 1
		}
	}
	cols := append(itemColumns(items), textCol("title", title), textCol("body", body), intCol("closed", closed).with("%s <> 0"))
	ids, err := insert(ctx, s.tx, "discussions", true, cols...)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if items[i].state == "published" && closed[i] == 0 {
			s.discussions = append(s.discussions, discussionRow{id: id, ago: items[i].ago, lang: items[i].lang, community: items[i].community})
		}
	}
	return s.history(ctx, "discussion", "discussions")
}

// history records each item's creation and its submission or publication,
// as the workflow would have.
func (s *seeder) history(ctx context.Context, contentType, table string) error {
	_, err := s.tx.ExecContext(ctx, `INSERT INTO workflow_history (content_type, item_id, action, from_state, to_state, actor_id, at)
		SELECT ?, id, 'create', '', 'draft', author_id, created_at FROM ? UNION ALL
		SELECT ?, id, CASE state WHEN 'published' THEN 'publish' ELSE 'submit' END, 'draft', state, author_id, coalesce(published_at, created_at)
			FROM ? WHERE state IN ('published', 'to_validate')
		ORDER BY 2, 7`, contentType, bun.Ident(table), contentType, bun.Ident(table))
	return err
}

// reply is a comment to write.
type reply struct {
	item, parent, author, ago int64
	lang                      string
	community                 int
}

// seedReplies answers each open published discussion about f.Replies times
// (by members of its community, when it has one), at times after it was
// published; three replies in ten answer an earlier reply.
func (s *seeder) seedReplies(ctx context.Context) error {
	if s.f.Replies == 0 {
		return nil
	}
	var first []reply
	for _, d := range s.discussions {
		for range s.rng.IntN(2*s.f.Replies + 1) {
			first = append(first, reply{item: d.id, author: s.replier(d.community), ago: s.rng.Int64N(max(d.ago, 1)),
				lang: d.lang, community: d.community})
		}
	}
	ids, err := s.insertReplies(ctx, first)
	if err != nil {
		return err
	}
	var second []reply
	for i, r := range first {
		if s.rng.IntN(10) < 3 {
			second = append(second, reply{item: r.item, parent: ids[i], author: s.replier(r.community),
				ago: s.rng.Int64N(max(r.ago, 1)), lang: r.lang})
		}
	}
	_, err = s.insertReplies(ctx, second)
	return err
}

// replier is who answers in a community (its members), or anyone.
func (s *seeder) replier(community int) int64 {
	if community >= 0 {
		if m := s.members[community]; len(m) > 0 {
			return m[s.rng.IntN(len(m))]
		}
	}
	return s.person()
}

func (s *seeder) insertReplies(ctx context.Context, rs []reply) ([]int64, error) {
	n := len(rs)
	if n == 0 {
		return nil, nil
	}
	item, parent, author, ago := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	body, kind := make([]string, n), fill(n, "discussion")
	for i, r := range rs {
		item[i], parent[i], author[i], ago[i] = r.item, r.parent, r.author, r.ago
		body[i] = clip(s.writer(r.lang).sentences(1+s.rng.IntN(3)), 10000)
	}
	return insert(ctx, s.tx, "comments", true, textCol("content_type", kind), intCol("item_id", item),
		intCol("parent_id", parent).with("nullif(%s, 0)"), intCol("author_id", author), textCol("body", body),
		intCol("created_at", ago).with("now() - make_interval(mins => %s::int)"))
}
