package match

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

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

// termsSQL picks the item's distinctive words (?0 the text, ?1 its
// language): the words of the text of three characters or more, not
// numbers, not stop words of the language; each by its stem when the
// stem is long enough; their share of the profiles and organisations
// that hold them, from the statistics ANALYZE keeps of the tables' text
// (most_common_elems: a word not listed there is rarer than any listed),
// found by hash joins on the listed words and their starts (st); the
// rarest first (then the most repeated in the item, the longest), while
// their shares add up to at most ?2, at most ?3 of them. It reads no
// table, only the statistics.
const termsSQL = `WITH e AS (
	SELECT e.elem, max(e.f) AS f
	FROM pg_stats AS s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e (elem, f)
	WHERE s.schemaname = current_schema() AND s.tablename IN ('profiles', 'organizations') AND s.attname = 'search'
		AND e.elem IS NOT NULL
	GROUP BY e.elem
), st AS (
	SELECT e.elem AS key, true AS whole, e.f FROM e
	UNION ALL
	SELECT left(e.elem, k), false, e.f FROM e, generate_series(?4, length(e.elem) - 1) AS k
), w AS (
	SELECT t.lexeme AS word, cardinality(t.positions) AS n, coalesce(s.stem, '') AS stem
	FROM unnest(to_tsvector('simple', ?0)) AS t
		LEFT JOIN LATERAL (SELECT s.lexeme AS stem FROM unnest(to_tsvector(piazza_ts_config(?1), t.lexeme)) AS s LIMIT 1) AS s ON true
	WHERE length(t.lexeme) >= 3 AND t.lexeme !~ '^[0-9.,]+$'
), c AS (
	SELECT CASE WHEN length(stem) >= ?4 THEN stem ELSE word END AS term, length(stem) >= ?4 AS prefix, sum(n) AS n
	FROM w WHERE stem <> '' GROUP BY 1, 2
), f AS (
	SELECT c.term, c.prefix, c.n, coalesce(sum(st.f), 0) AS share
	FROM c LEFT JOIN st ON st.key = c.term AND (c.prefix OR st.whole)
	GROUP BY c.term, c.prefix, c.n
), r AS (
	SELECT f.term, f.prefix, f.share, sum(f.share) OVER o AS total, row_number() OVER o AS i
	FROM f WINDOW o AS (ORDER BY f.share, f.n DESC, length(f.term) DESC, f.term)
)
SELECT r.term, r.prefix FROM r WHERE r.total <= ?2 AND r.i <= ?3 ORDER BY r.i`

// distinctive returns the words of text (in language lang: "it", "en",
// "" for none) that profiles and organisations are searched for.
func distinctive(ctx context.Context, tx bun.IDB, text, lang string) ([]term, error) {
	if r := []rune(text); len(r) > maxText {
		text = string(r[:maxText])
	}
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	key := ""
	if s := site.FromContext(ctx); s != nil {
		sum := sha256.Sum256([]byte(text))
		key = s.Scope.Schema + "\x00" + lang + "\x00" + string(sum[:])
		if ts, ok := kept.get(key, time.Now()); ok {
			return ts, nil
		}
	}
	var ts []term
	if err := tx.NewRaw(termsSQL, text, lang, budget, maxTerms, minStem).Scan(ctx, &ts); err != nil {
		return nil, fmt.Errorf("match words: %w", err)
	}
	if key != "" {
		kept.put(key, ts, time.Now())
	}
	return ts, nil
}

// The distinctive words of the texts matched lately, per tenant: they
// change only with the statistics that ANALYZE keeps (refreshed by
// autovacuum as the tables change, every few minutes at most), while a
// proposer opens their proposal, and its panel, many times.
const (
	keptFor  = 10 * time.Minute
	keptMost = 4096
)

// kept are the words of the texts matched lately, by tenant schema,
// language and the text's checksum.
var kept = &termsKept{m: map[string]keptTerms{}}

type keptTerms struct {
	ts    []term
	until time.Time
}

type termsKept struct {
	mu sync.Mutex
	m  map[string]keptTerms
}

func (k *termsKept) get(key string, now time.Time) ([]term, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.m[key]
	return e.ts, ok && now.Before(e.until)
}

// put keeps ts for key; when full, it first drops what expired, or all.
func (k *termsKept) put(key string, ts []term, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.m) >= keptMost {
		for key, e := range k.m {
			if !now.Before(e.until) {
				delete(k.m, key)
			}
		}
		if len(k.m) >= keptMost {
			clear(k.m)
		}
	}
	k.m[key] = keptTerms{ts: ts, until: now.Add(keptFor)}
}

// tsquery is the text of a query (for to_tsquery in the 'simple'
// configuration) matching any of ts; "" for none.
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
