package proposal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/match"
	"github.com/piazza-pa/piazza/platform/richtext"
)

// A proposal's ranking of who could be interested is kept
// (proposal_suggestions): ranking reads hundreds of profiles and
// organisations (4 to 5 ms of the database's time on a region-sized
// tenant, half of the panel's page), and a proposer opens the page of
// their proposal again and again. A kept ranking is read while what it
// was ranked for is unchanged (its key) and for rankedFor after; the
// proposals' sweep ranks again, ahead of time, those that would grow old
// within the next rerankAhead, so that a panel is seldom ranked while its
// proposer waits. Who it names is checked when it is shown (match.Shown:
// still in the directory, their name now) and whom the proposal reaches
// (recipients): only newcomers to the directory, and changes to the
// profiles' text and themes, wait for the next ranking to count.
const (
	rankedFor   = 12 * time.Hour
	rerankAhead = time.Hour
	// rerankBatch is how many rankings of a tenant one sweep makes at
	// most (each a few milliseconds).
	rerankBatch = 200
)

// keptSuggestion is a suggestion as a kept ranking holds it: no name.
type keptSuggestion struct {
	Kind         string   `json:"kind"`
	ID           int64    `json:"id"`
	Score        float64  `json:"score"`
	Themes       []string `json:"themes"`
	Tags         []string `json:"tags"`
	Competencies []string `json:"competencies"`
	Words        []string `json:"words"`
}

// matchQuery is what p's panel is ranked for, without users and orgs
// (those involved, see involved).
func matchQuery(p *Proposal, users, orgs []int64) match.Query {
	text := p.Title + "\n" + p.Summary + "\n" + p.Offer + "\n" + p.Expected + "\n" + richtext.Text(p.Body)
	return match.Query{Themes: p.Topics, Tags: p.Tags, Text: text, Language: p.Language,
		ExcludeUsers: users, ExcludeOrganizations: orgs}
}

// rankingKey is the digest of what p's panel is ranked for, without users
// and orgs (matchQuery's fields as the proposal holds them: its body as
// stored, not as text): a kept ranking with another key was ranked for
// something else.
func rankingKey(p *Proposal, users, orgs []int64) []byte {
	users, orgs = slices.Clone(users), slices.Clone(orgs)
	slices.Sort(users)
	slices.Sort(orgs)
	b, _ := json.Marshal([]any{p.Topics, p.Tags, p.Title, p.Summary, p.Offer, p.Expected, p.Body, p.Language,
		slices.Compact(users), slices.Compact(orgs)}) // #nosec: plain values
	sum := sha256.Sum256(b)
	return sum[:]
}

// keptSQL reads p's kept ranking ($1), with whether it is younger than
// rankedFor ($2, seconds).
const keptSQL = `SELECT key, ranked_at > now() - make_interval(secs => $2), suggestions FROM proposal_suggestions WHERE proposal_id = $1`

// ranked returns who could be interested in p, not among users and orgs
// (those involved): its kept ranking when it was made for the same and is
// not old, else a new one, kept.
func ranked(ctx context.Context, tx bun.IDB, p *Proposal, users, orgs []int64) ([]match.Suggestion, error) {
	key := rankingKey(p, users, orgs)
	var (
		kept  []byte
		fresh bool
		raw   []byte
	)
	err := db.Prepared(tx, p.ID, rankedFor.Seconds()).QueryRowContext(ctx, keptSQL).Scan(&kept, &fresh, &raw)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("kept suggestions: %w", err)
	}
	if err == nil && fresh && bytes.Equal(kept, key) {
		var ks []keptSuggestion
		if err := json.Unmarshal(raw, &ks); err != nil {
			return nil, fmt.Errorf("kept suggestions of proposal %d: %w", p.ID, err)
		}
		ss := make([]match.Suggestion, len(ks))
		for i, k := range ks {
			ss[i] = match.Suggestion{Kind: k.Kind, ID: k.ID, Score: k.Score,
				Reasons: match.Reasons{Themes: k.Themes, Tags: k.Tags, Competencies: k.Competencies, Words: k.Words}}
		}
		return ss, nil
	}
	return rank(ctx, tx, p.ID, matchQuery(p, users, orgs), key)
}

// rank ranks who could be interested in proposal pid (q, whose key is
// key) and keeps the ranking.
func rank(ctx context.Context, tx bun.IDB, pid int64, q match.Query, key []byte) ([]match.Suggestion, error) {
	ss, err := match.Suggest(ctx, tx, q, asked)
	if err != nil {
		return nil, err
	}
	ks := make([]keptSuggestion, len(ss))
	for i, s := range ss {
		ks[i] = keptSuggestion{Kind: s.Kind, ID: s.ID, Score: s.Score, Themes: nonNilText(s.Themes), Tags: nonNilText(s.Tags),
			Competencies: nonNilText(s.Competencies), Words: nonNilText(s.Words)}
	}
	raw, err := json.Marshal(ks)
	if err != nil {
		return nil, err
	}
	_, err = db.Prepared(tx, pid, key, string(raw)).ExecContext(ctx, `INSERT INTO proposal_suggestions (proposal_id, key, suggestions)
		VALUES ($1, $2, $3::jsonb) ON CONFLICT (proposal_id) DO UPDATE SET key = excluded.key, ranked_at = now(), suggestions = excluded.suggestions`)
	if err != nil {
		return nil, fmt.Errorf("keep suggestions: %w", err)
	}
	return ss, nil
}

// nonNilText is l, empty rather than nil (a JSON array, not null).
func nonNilText(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// dueSQL are the open proposals whose panel has no ranking, or one that
// grows old within rerankAhead ($1: seconds before rankedFor ends), the
// oldest first, at most $2.
const dueSQL = `SELECT ` + columns + ` FROM proposals AS p LEFT JOIN proposal_suggestions AS s ON s.proposal_id = p.id
	WHERE p.state = 'published' AND (p.closes_at IS NULL OR p.closes_at > now())
	AND (s.proposal_id IS NULL OR s.ranked_at <= now() - make_interval(secs => $1))
	ORDER BY s.ranked_at NULLS FIRST, p.id LIMIT $2`

// RankDue ranks who could be interested in at most limit open proposals
// of the tenant of tx whose panel has no ranking yet or will have an old
// one soon, and forgets the rankings of proposals no longer open; it says
// how many it ranked. The proposals' sweep calls it, so that proposers
// seldom wait for a ranking; so does piazza-load's seed.
func RankDue(ctx context.Context, tx bun.IDB, limit int) (int, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM proposal_suggestions AS s USING proposals AS p
		WHERE p.id = s.proposal_id AND NOT (p.state = 'published' AND (p.closes_at IS NULL OR p.closes_at > now()))`); err != nil {
		return 0, fmt.Errorf("forget suggestions: %w", err)
	}
	var due []*Proposal
	err := tx.NewRaw(dueSQL).Conn(db.Prepared(tx, (rankedFor-rerankAhead).Seconds(), limit)).Scan(ctx, &due)
	if err != nil {
		return 0, fmt.Errorf("proposals to rank: %w", err)
	}
	for _, p := range due {
		users, orgs, _, err := involved(ctx, tx, p)
		if err != nil {
			return 0, err
		}
		if _, err := rank(ctx, tx, p.ID, matchQuery(p, users, orgs), rankingKey(p, users, orgs)); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}
