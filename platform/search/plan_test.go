package search

import (
	"database/sql"
	"math"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"

	"github.com/piazza-pa/piazza/platform/db"
)

// TestShare: a tsquery's share of rows is estimated from its lexemes'
// shares as the planner estimates it: both of two as independent, one or
// the other as either, a negation as the rest, a prefix as the words it
// starts; a lexeme the statistics do not list (or nothing to read) counts
// as none.
func TestShare(t *testing.T) {
	words := map[string]float64{"ret": 0.5, "energ": 0.4, "l'acqua": 0.2, `a\b`: 0.1, "batteria": 0.1, "batterie": 0.05}
	for _, c := range []struct {
		q    string
		want float64
	}{
		{"'ret'", 0.5},
		{"'ret' & 'energ'", 0.2},
		{"'ret' | 'energ'", 0.7},
		{"'ret' <-> 'energ'", 0.2},
		{"'ret' <2> 'energ'", 0.2},
		{"!'ret'", 0.5},
		{"'ret' & !'energ'", 0.3},
		{"( 'ret' | 'energ' ) & 'l''acqua'", 0.14},
		{`'a\\b'`, 0.1},
		{"'batter':*", 0.15},
		{"'batter':*AB", 0.15},
		{"'ret':A", 0.5},
		{"'idrogeno'", 0},
		{"'idrogeno' | 'ret'", 0.5},
		{"", 0},
		{"'ret' &", 0},
	} {
		if got := share(c.q, words); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("share of %q: %v, want %v", c.q, got, c.want)
		}
	}
}

// TestWalks: a source walks its newest rows when its words are common
// enough for its table's size (share² × rows ≥ Window), at most twice the
// rows that should hold Window matches and never more than the table;
// otherwise, and without statistics or a plan, it reads the index.
func TestWalks(t *testing.T) {
	p := &Plan{queries: [3]string{"'ret'", "'rete'", "'rete'"}, stats: &stats{
		rows:  map[string]float64{"news": 6800, "communities": 700, "tiny": 120, "both": 500},
		words: map[string]map[string]float64{"news": {"ret": 0.5}, "communities": {"rete": 0.2}, "tiny": {"rete": 0.9}, "both": {"ret": 0.5, "rete": 0.2}},
	}}
	for _, c := range []struct {
		table     string
		languages bool
		want      int
	}{
		{"news", true, 200},       // 2 × 50 / 0.5
		{"news", false, 0},        // 'rete' in 'simple' is not among news's lexemes
		{"communities", false, 0}, // 0.2² × 700 = 28 < 50
		{"communities", true, 0},  // the 'english' and 'simple' queries alike, counted once
		{"both", true, 167},       // 0.5 + 0.2 - 0.1 = 0.6: 2 × 50 / 0.6 = 166.7
		{"tiny", false, 112},      // 2 × 50 / 0.9 = 111.1
		{"proposals", true, 0},    // no statistics
		{"", true, 0},
	} {
		if got := p.Walks(c.table, c.languages); got != c.want {
			t.Errorf("Walks(%s, %v) = %d, want %d", c.table, c.languages, got, c.want)
		}
	}
	p.stats.rows["tiny"] = 70
	if got := p.Walks("tiny", false); got != 70 {
		t.Errorf("a walk longer than its table: %d", got)
	}
	if got := (*Plan)(nil).Walks("news", true); got != 0 {
		t.Errorf("without a plan: %d", got)
	}
}

// TestRankedShapes: a part reads the index of the text (Find) for rare
// words, walks the newest rows it may see for common ones (the index's
// window, in a plan of its own, when the walk found fewer than Window), with the
// viewer's values, the words, the bound and the limit as parameters, and
// the source's own walk when it has one.
func TestRankedShapes(t *testing.T) {
	sqldb, err := sql.Open("pgx", "postgres://127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	idb := bun.NewDB(sqldb, pgdialect.New())
	src := Source{Kind: "news.kind", From: "news AS n", Carry: "n.search AS doc", Find: "n.search @@ to_tsquery(?0)", Match: "c.doc @@ to_tsquery(?0)",
		Rank: "ts_rank(c.doc, to_tsquery(?0))", Stats: "news", Languages: true}
	plan := &Plan{params: &db.Params{}, queries: [3]string{"'ret'", "'rete'", "'rete'"}, stats: &stats{
		rows: map[string]float64{"news": 6800}, words: map[string]map[string]float64{"news": {"ret": 0.5}}}}
	text := func(plan *Plan, words string, s Source) string {
		t.Helper()
		if plan != nil {
			plan.words, plan.anyWord = words, words
			plan.bind()
		}
		q := Query{Words: words, Limit: 21, Plan: plan}
		sel := idb.NewSelect().TableExpr("news AS n").ColumnExpr("n.id, n.title, n.created_at AS at").Where("n.author_id = ?", q.Params().Arg(int64(7)))
		b, err := Ranked(idb, s, sel, q).query.AppendQuery(schema.NewQueryGen(idb.Dialect()), nil)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range []struct {
		name          string
		plan          *Plan
		source        Source
		want, wantNot []string
	}{
		{"no plan: literals, the index", nil, src,
			[]string{"n.search @@ to_tsquery('rete')", "n.author_id = 7", "LIMIT 50", "LIMIT 21"}, []string{"$"}},
		{"a common word: the walk", plan, src,
			[]string{"WITH w AS MATERIALIZED (SELECT c.* FROM (SELECT n.id, n.title, n.created_at AS at, n.search AS doc FROM news AS n WHERE (n.author_id = $1::bigint) ORDER BY at DESC, id DESC LIMIT $2::bigint) AS c WHERE c.doc @@ to_tsquery($3::text) LIMIT 50)",
				"FROM (SELECT * FROM w) AS c OFFSET 0", "LIMIT $4::bigint) UNION ALL SELECT 'news.kind'::text, 0, '', now(), 0, count(*) FROM w"},
			[]string{"rete", "DESC, at DESC", "n.search @@"}},
		{"a common word, the source's own walk", plan, func() Source {
			s := src
			s.Walk = "n.id IN (SELECT id FROM recent(?5) WHERE search @@ to_tsquery(?0))"
			return s
		}(),
			[]string{"n.id IN (SELECT id FROM recent($2::bigint) WHERE search @@ to_tsquery($3::text))) ORDER BY at DESC, id DESC LIMIT 50) AS c WHERE c.doc @@ to_tsquery($3::text)",
				"count(*) FROM w"},
			[]string{"DESC, at DESC", "n.search @@"}},
		{"a common word whose walk came back short: further", plan.again([]string{"news.kind"}), src,
			[]string{"WITH w AS MATERIALIZED", "count(*) FROM w"}, []string{"rete", "n.search @@"}},
		{"a common word whose walk came back short twice: the index", plan.again([]string{"news.kind"}).again([]string{"news.kind"}), src,
			[]string{"n.search @@ to_tsquery($1::text)", "LIMIT 50", "c.doc @@ to_tsquery($1::text)", "NULL::int8 AS walked"}, []string{"rete", "WITH w"}},
		{"a rare word: the index", func() *Plan { p := *plan; p.queries = [3]string{"'idrogen'", "'idrogeno'", "'idrogeno'"}; return &p }(), src,
			[]string{"n.search @@ to_tsquery($1::text)", "LIMIT 50", "c.doc @@ to_tsquery($1::text)"}, []string{"rete", "WITH w"}},
	} {
		got := text(c.plan, "rete", c.source)
		bound := map[bool]int64{false: 200, true: 200 * furtherBy}[strings.HasSuffix(c.name, "further")]
		if walks := strings.HasSuffix(c.name, "walk") || strings.HasSuffix(c.name, "further"); walks &&
			(len(c.plan.params.Values()) < 2 || c.plan.params.Values()[1] != bound) {
			t.Errorf("%s: the walk's bound in %v", c.name, c.plan.params.Values())
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q missing from\n%s", c.name, w, got)
			}
		}
		for _, w := range c.wantNot {
			if strings.Contains(got, w) {
				t.Errorf("%s: %q in\n%s", c.name, w, got)
			}
		}
	}
}
