package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/memo"
	"github.com/piazza-pa/piazza/platform/site"
)

// Plan is how a search's statement is written: with parameters for its
// values (the words, the viewer, the cursor), so that its text is the same
// for everyone who searches and it goes prepared (planned once per
// connection: planning was half of a search's statement on a region-sized
// tenant); and, for each source, in the shape that suits how common the
// words are in its table, since a plan made once cannot know the words.
// A word in a tenth of the rows is found by walking the newest rows until
// Window of them match (a few hundred rows read); a rare one through the
// index of the text (its few matches read, then sorted). How common the
// words are comes from the statistics ANALYZE keeps of each table's text
// (the most common lexemes and their shares), read once in a while per
// tenant.
type Plan struct {
	params *db.Params
	// words are the words asked, anyWord AnyWord's query of them (its
	// text).
	words, anyWord string
	// args are the words and their queries, parameters (see Queries).
	args [5]any
	// queries are the words as tsqueries (their text) in the
	// configurations of the stored languages: 'italian', 'english',
	// 'simple'.
	queries [3]string
	stats   *stats
	// further are the kinds of the sources whose walk came back short
	// once (Run), indexed those that read the index of the text after it
	// came back short twice.
	further, indexed []string
}

// Prepare returns the plan of a search for words in the tenant of tx.
// The rest of tx's statements use the plan made for any values
// (plan_cache_mode): the shapes the plan chooses hold whatever the
// values, and the server would otherwise keep planning them anew, its
// estimates of a plan for any values being worse than for these.
func Prepare(ctx context.Context, tx bun.IDB, words string) (*Plan, error) {
	p := &Plan{}
	var mode, anyWord string
	err := db.QueryRow(ctx, tx, "SELECT set_config('plan_cache_mode', 'force_generic_plan', true),"+
		" websearch_to_tsquery('italian', ?)::text, websearch_to_tsquery('english', ?)::text, websearch_to_tsquery('simple', ?)::text, "+anyWordSQL,
		words, words, words, words).Scan(&mode, &p.queries[0], &p.queries[1], &p.queries[2], &anyWord)
	if err != nil {
		return nil, fmt.Errorf("search words: %w", err)
	}
	p.words, p.anyWord = words, anyWord
	p.bind()
	if p.stats, err = tenantStats(ctx, tx); err != nil {
		return nil, err
	}
	return p, nil
}

// bind makes the words and their queries parameters of a new statement.
func (p *Plan) bind() {
	p.params = &db.Params{}
	p.args = [5]any{p.params.Arg(p.words), p.params.Arg(db.TSQuery(p.queries[0])), p.params.Arg(db.TSQuery(p.queries[1])),
		p.params.Arg(db.TSQuery(p.queries[2])), p.params.Arg(db.TSQuery(p.anyWord))}
}

// fresh returns the parameters of another statement of the search, with
// the words and their queries (see Queries) among them.
func (p *Plan) fresh() (*db.Params, []any) {
	q := *p
	q.bind()
	return q.params, q.args[:]
}

// Params are the statement's parameters: nil without a plan (values are
// then written as literals).
func (p *Plan) Params() *db.Params {
	if p == nil {
		return nil
	}
	return p.params
}

// walk returns, when s's part walks its newest rows (the words are
// common in s's table) rather than reading its matches through the index
// of the text, how many rows it walks at most: twice as many as should
// hold Window matches. It walks when the rows walked to find Window
// matches (Window / share) are fewer than the matches the index would
// read (share × rows), that is when share² × rows ≥ Window. The bound is
// a parameter: the plan made for any bound walks the order's index (it
// expects to read a tenth of the rows), where a known bound close to the
// rows it estimates the viewer may see would have it sort them all.
func (p *Plan) walk(s Source) int {
	if p == nil || slices.Contains(p.indexed, s.Kind) {
		return 0
	}
	n := p.Walks(s.Stats, s.Languages)
	if n > 0 && slices.Contains(p.further, s.Kind) {
		rows := int(math.Ceil(p.stats.rows[s.Stats]))
		if n >= rows { // it walked the whole table already: the index
			return 0
		}
		n = min(n*furtherBy, rows)
	}
	return n
}

// furtherBy is how much further a walk that came back short walks again
// (Run). A word's share of a source's rows overstates the rows it matches
// where the source matches each row in its own language (Languages): the
// English query of "innovation", 'innov', is the Italian stem of
// "innovazione" too, so the walk of its bound finds few English rows.
// Its index would be no cheaper: it reads every row holding 'innov',
// thousands, to keep the English ones (30 ms for three sources on a
// region-sized tenant). Walking further finds them in a few hundred rows;
// a word that the newest rows do not hold at all then goes to the index.
const furtherBy = 8

// again is the plan of another statement of the search (fresh
// parameters) for the sources of kinds, whose walk came back short:
// walking further the first time (furtherBy), then reading the index of
// the text.
func (p *Plan) again(kinds []string) *Plan {
	q := *p
	q.bind()
	for _, k := range kinds {
		if slices.Contains(p.further, k) {
			q.indexed = append(slices.Clip(q.indexed), k)
		} else {
			q.further = append(slices.Clip(q.further), k)
		}
	}
	return &q
}

// Walks is how many rows a source whose statistics are table's walks
// (walk), 0 when it reads its matches through the index of the text;
// languages as Source.Languages.
func (p *Plan) Walks(table string, languages bool) int {
	if p == nil || table == "" {
		return 0
	}
	rows, words := p.stats.rows[table], p.stats.words[table]
	if rows <= 0 || len(words) == 0 {
		return 0
	}
	var sh float64
	if languages {
		for i, q := range p.queries {
			if slices.Contains(p.queries[:i], q) { // the same query in two languages: one
				continue
			}
			t := share(q, words)
			sh += t - sh*t
		}
	} else {
		sh = share(p.queries[2], words)
	}
	if sh*sh*rows < Window {
		return 0
	}
	return int(math.Ceil(min(2*Window/sh, rows)))
}

// minShare is the least share of rows of the lexemes kept of a table's
// statistics: a word rarer than this is read through the index in any
// table of up to Window / minShare² rows (half a million).
const minShare = 0.01

// stats are, for each table with a text search column "search" that
// ANALYZE has seen, its estimated rows and the shares of rows of its most
// common lexemes (those of at least minShare).
type stats struct {
	rows  map[string]float64
	words map[string]map[string]float64
}

// statsSQL reads the tenant's stats (?0: minShare).
const statsSQL = `SELECT s.tablename AS tbl, c.reltuples AS rows, e.elem AS word, e.f AS share
FROM pg_stats AS s JOIN pg_class AS c ON c.relname = s.tablename AND c.relnamespace = current_schema()::regnamespace,
	unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e (elem, f)
WHERE s.schemaname = current_schema() AND s.attname = 'search' AND e.elem IS NOT NULL AND e.f >= ?`

// keptStats are the stats of the tenants searched lately (site.MemoKey): they
// change when ANALYZE runs (autovacuum, as the tables grow).
var keptStats = memo.New[*stats](256, 10*time.Minute)

// tenantStats returns the stats of the tenant of tx, kept for a while.
func tenantStats(ctx context.Context, tx bun.IDB) (*stats, error) {
	tenant := site.MemoKey(ctx)
	if st, ok := keptStats.Get(tenant, time.Now()); ok { // "" (no site) is never kept
		return st, nil
	}
	rows, err := db.Prepared(tx, minShare).QueryContext(ctx, db.Numbered(statsSQL))
	if err != nil {
		return nil, fmt.Errorf("search statistics: %w", err)
	}
	defer func() { _ = rows.Close() }()
	st := &stats{rows: map[string]float64{}, words: map[string]map[string]float64{}}
	for rows.Next() {
		var table, word string
		var n, f float64
		if err := rows.Scan(&table, &n, &word, &f); err != nil {
			return nil, fmt.Errorf("search statistics: %w", err)
		}
		st.rows[table] = n
		if st.words[table] == nil {
			st.words[table] = map[string]float64{}
		}
		st.words[table][word] = f
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search statistics: %w", err)
	}
	if tenant != "" && len(st.rows) > 0 { // none yet: ANALYZE has not seen the tables
		keptStats.Put(tenant, st, time.Now())
	}
	return st, nil
}

// share estimates the share of rows whose text matches the tsquery of
// text q, from the shares of its lexemes in words (a lexeme not there is
// rarer than minShare: counted as none), combined as PostgreSQL's
// planner combines them: both of two (& and phrases) as independent, one
// or the other (|) as either, not (!) as the rest.
func share(q string, words map[string]float64) float64 {
	p := tsquery{s: q, words: words}
	return min(max(p.or(), 0), 1)
}

// tsquery reads the text of a tsquery ('ret' & !'energ' | 'a':* <-> 'b').
type tsquery struct {
	s     string
	i     int
	words map[string]float64
}

func (p *tsquery) peek() byte {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *tsquery) or() float64 {
	s := p.and()
	for p.peek() == '|' {
		p.i++
		t := p.and()
		s += t - s*t
	}
	return s
}

func (p *tsquery) and() float64 {
	s := p.phrase()
	for p.peek() == '&' {
		p.i++
		s *= p.phrase()
	}
	return s
}

// phrase reads words next to one another ('a' <-> 'b', 'a' <2> 'b').
func (p *tsquery) phrase() float64 {
	s := p.unary()
	for p.peek() == '<' {
		j := strings.IndexByte(p.s[p.i:], '>')
		if j < 0 {
			p.i = len(p.s)
			break
		}
		p.i += j + 1
		s *= p.unary()
	}
	return s
}

func (p *tsquery) unary() float64 {
	switch p.peek() {
	case '!':
		p.i++
		return 1 - p.unary()
	case '(':
		p.i++
		s := p.or()
		if p.peek() == ')' {
			p.i++
		}
		return s
	case '\'':
		return p.lexeme()
	}
	p.i = len(p.s) // nothing more a tsquery's text holds
	return 0
}

// lexeme reads a quoted lexeme, with its weights and prefix mark, and
// returns its share: for a prefix, the sum of the shares of the words it
// starts.
func (p *tsquery) lexeme() float64 {
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		if c == '\'' {
			if p.i < len(p.s) && p.s[p.i] == '\'' {
				b.WriteByte('\'')
				p.i++
				continue
			}
			break
		}
		if c == '\\' && p.i < len(p.s) {
			c = p.s[p.i]
			p.i++
		}
		b.WriteByte(c)
	}
	prefix := false
	if p.i < len(p.s) && p.s[p.i] == ':' {
		for p.i++; p.i < len(p.s) && strings.IndexByte("*ABCDabcd", p.s[p.i]) >= 0; p.i++ {
			prefix = prefix || p.s[p.i] == '*'
		}
	}
	w := b.String()
	if !prefix {
		return p.words[w]
	}
	var sum float64
	for k, f := range p.words {
		if strings.HasPrefix(k, w) {
			sum += f
		}
	}
	return min(sum, 1)
}
