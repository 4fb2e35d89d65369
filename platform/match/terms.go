package match

import (
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/memo"
	"github.com/piazza-pa/piazza/platform/site"
)

// The item's words that are looked for in profiles and organisations.
const (
	// maxText is how much of the item's text is read (in characters): its
	// start says what it is about.
	maxText = 20000
	// maxTerms is how many words are looked for at most.
	maxTerms = 12
	// budget is the share of profiles (or organisations) that the words
	// looked for may match together, as the tables' statistics estimate
	// it: the rarest words are kept while their shares add up to at most
	// this, so that ranking by text reads a few hundred rows through the
	// index of the text, never a large part of the table. A word in more
	// than 3% of profiles says little about who fits.
	budget = 0.03
	// minStem is the shortest stem looked for as the start of words (the
	// item's "batterie" finds "batteria"); a shorter one is looked for as
	// the word itself.
	minStem = 5
)

// term is one of the item's distinctive words as profiles' text is
// searched for it: a lexeme of the 'simple' configuration, or the stem of
// the item's language matched as the start of words (Prefix).
type term struct {
	Term   string `bun:"term"`
	Prefix bool   `bun:"prefix"`
}

// wordsSQL reads the item's words (?0 the text, ?1 its language): the
// words of the text of three characters or more, not numbers, not stop
// words of the language; each by its stem when the stem is at least ?2
// characters long (then looked for as the start of words), with how many
// times the item holds it. It reads no table.
const wordsSQL = `WITH w AS (
	SELECT t.lexeme AS word, cardinality(t.positions) AS n, coalesce(s.stem, '') AS stem
	FROM unnest(to_tsvector('simple', ?0)) AS t
		LEFT JOIN LATERAL (SELECT s.lexeme AS stem FROM unnest(to_tsvector(piazza_ts_config(?1), t.lexeme)) AS s LIMIT 1) AS s ON true
	WHERE length(t.lexeme) >= 3 AND t.lexeme !~ '^[0-9.,]+$'
)
SELECT CASE WHEN length(stem) >= ?2 THEN stem ELSE word END AS term, length(stem) >= ?2 AS prefix, sum(n) AS n
FROM w WHERE stem <> '' GROUP BY 1, 2`

// statsSQL reads the words that the statistics ANALYZE keeps of the
// profiles' and organisations' text list (most_common_elems), each with
// the larger of its two shares of rows; a word not listed is rarer than
// any listed.
const statsSQL = `SELECT e.elem AS word, max(e.f) AS share
FROM pg_stats AS s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e (elem, f)
WHERE s.schemaname = current_schema() AND s.tablename IN ('profiles', 'organizations') AND s.attname = 'search'
	AND e.elem IS NOT NULL
GROUP BY e.elem`

// shares are the words of the statistics of a tenant's text, with their
// share of rows (statsSQL): by word, and the words in order with the
// running sum of their shares, so that a stem's share (the sum over the
// words it starts, which are next to one another in order) is two
// searches.
type shares struct {
	of1   map[string]float64
	words []string
	sums  []float64 // sums[i]: the shares of words[:i]
}

func newShares(byWord map[string]float64) *shares {
	sh := &shares{of1: byWord, words: make([]string, 0, len(byWord)), sums: make([]float64, 1, len(byWord)+1)}
	for w := range byWord {
		sh.words = append(sh.words, w)
	}
	slices.Sort(sh.words)
	for i, w := range sh.words {
		sh.sums = append(sh.sums, sh.sums[i]+byWord[w])
	}
	return sh
}

// of is the share of rows holding t: its word's, or for a stem the sum of
// the shares of the words it starts.
func (sh *shares) of(t term) float64 {
	if !t.Prefix {
		return sh.of1[t.Term]
	}
	lo, _ := slices.BinarySearch(sh.words, t.Term)
	hi := lo + sort.Search(len(sh.words)-lo, func(i int) bool { return !strings.HasPrefix(sh.words[lo+i], t.Term) })
	return sh.sums[hi] - sh.sums[lo]
}

// distinctive returns the words of text (in language lang: "it", "en",
// "" for none) that profiles and organisations are searched for: the
// rarest first (then the most repeated in the item, the longest), while
// their shares add up to at most budget, at most maxTerms of them.
func distinctive(ctx context.Context, tx bun.IDB, text, lang string) ([]term, error) {
	if r := []rune(text); len(r) > maxText {
		text = string(r[:maxText])
	}
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	key, tenant := "", site.MemoKey(ctx)
	if tenant != "" {
		sum := sha256.Sum256([]byte(text))
		key = tenant + "\x00" + lang + "\x00" + string(sum[:])
		if ts, ok := kept.Get(key, time.Now()); ok {
			return ts, nil
		}
	}
	var found []struct {
		term
		N int `bun:"n"`
	}
	if err := tx.NewRaw(wordsSQL, text, lang, minStem).Scan(ctx, &found); err != nil {
		return nil, fmt.Errorf("match words: %w", err)
	}
	sh, ok := keptShares.Get(tenant, time.Now())
	if !ok { // "" (no site) is never kept
		var rows []struct {
			Word  string  `bun:"word"`
			Share float64 `bun:"share"`
		}
		if err := tx.NewRaw(statsSQL).Scan(ctx, &rows); err != nil {
			return nil, fmt.Errorf("match statistics: %w", err)
		}
		byWord := make(map[string]float64, len(rows))
		for _, r := range rows {
			byWord[r.Word] = r.Share
		}
		sh = newShares(byWord)
		if tenant != "" {
			keptShares.Put(tenant, sh, time.Now())
		}
	}
	type ranked struct {
		t     term
		n     int
		share float64
	}
	rs := make([]ranked, len(found))
	for i, f := range found {
		rs[i] = ranked{f.term, f.N, sh.of(f.term)}
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.share, b.share), cmp.Compare(b.n, a.n),
			cmp.Compare(utf8.RuneCountInString(b.t.Term), utf8.RuneCountInString(a.t.Term)), strings.Compare(a.t.Term, b.t.Term))
	})
	var ts []term
	var total float64
	for _, r := range rs {
		total += r.share
		if total > budget || len(ts) == maxTerms {
			break
		}
		ts = append(ts, r.t)
	}
	if key != "" {
		kept.Put(key, ts, time.Now())
	}
	return ts, nil
}

// What is kept of the statistics and of the texts matched lately, per
// tenant: the statistics change only when ANALYZE runs (autovacuum, as
// the tables change, every few minutes at most), while a proposer opens
// their proposal, and its panel, many times.
const (
	keptFor  = 10 * time.Minute
	keptMost = 4096
	// sharesMost is how many tenants' statistics are kept (a region-sized
	// tenant's are about 2,000 words).
	sharesMost = 64
)

// kept are the words of the texts matched lately, by tenant schema,
// language and the text's checksum; keptShares the statistics of the
// tenants matched lately, by schema.
var (
	kept       = memo.New[[]term](keptMost, keptFor)
	keptShares = memo.New[*shares](sharesMost, keptFor)
)

// patterns are ts as LIKE patterns: a word itself, a stem followed by
// anything.
func patterns(ts []term) []string {
	escape := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = escape.Replace(t.Term)
		if t.Prefix {
			out[i] += "%"
		}
	}
	return out
}

// tsquery is the text of a tsquery matching any of ts (lexemes of the
// 'simple' configuration, as they are); "" for none.
func tsquery(ts []term) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = "'" + strings.NewReplacer(`\`, `\\`, "'", "''").Replace(t.Term) + "'"
		if t.Prefix {
			parts[i] += ":*"
		}
	}
	return strings.Join(parts, " | ")
}
