package partnership

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/piazza-pa/piazza/platform/workflow"
)

// Summary is what an import did.
type Summary struct {
	Created, Updated, Unchanged, Expired int
}

// Options are how an import writes: Full marks the profiles the file does
// not hold as expired (the file is a full export); Progress, when not nil,
// is told of every 500 profiles written and of the last.
type Options struct {
	Full     bool
	Progress func(done, total int)
}

// upsertSQL writes one profile: a new reference is created; a known one
// is updated only when its imported fields changed or it had expired
// (then it is published again), so that importing the same file twice
// changes nothing, not even updated_at.
const upsertSQL = `INSERT INTO partnerships AS pa (reference, kind, title, summary, body, innovation, stage, ipr, partner_type,
		partner_role, countries, deadline, technologies, markets, keywords, match_words, keyword_text, source_hash, language, published_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::date, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, (?::date)::timestamp AT TIME ZONE 'Europe/Rome')
	ON CONFLICT (reference) DO UPDATE SET kind = EXCLUDED.kind, title = EXCLUDED.title, summary = EXCLUDED.summary,
		body = EXCLUDED.body, innovation = EXCLUDED.innovation, stage = EXCLUDED.stage, ipr = EXCLUDED.ipr,
		partner_type = EXCLUDED.partner_type, partner_role = EXCLUDED.partner_role, countries = EXCLUDED.countries,
		deadline = EXCLUDED.deadline, technologies = EXCLUDED.technologies, markets = EXCLUDED.markets,
		keywords = EXCLUDED.keywords, match_words = EXCLUDED.match_words, keyword_text = EXCLUDED.keyword_text,
		source_hash = EXCLUDED.source_hash, language = EXCLUDED.language, published_at = EXCLUDED.published_at,
		state = CASE pa.state WHEN 'closed' THEN 'published' ELSE pa.state END, expired_at = NULL, updated_at = now()
	WHERE pa.source_hash <> EXCLUDED.source_hash OR pa.state = 'closed'
	RETURNING pa.id, xmax = 0 AS created`

// Write imports records in tx (the caller's tenant transaction, so that
// the whole file is written or nothing), gives them the themes of their
// keywords and, for a full export, expires the published profiles it
// does not hold.
func Write(ctx context.Context, tx bun.IDB, recs []Record, o Options) (Summary, error) {
	var s Summary
	refs := make([]string, len(recs))
	for i, r := range recs {
		refs[i] = r.Reference
	}
	var expired []string
	if err := tx.NewSelect().Table("partnerships").Column("reference").
		Where("state = 'closed' AND reference = ANY (?)", pgdialect.Array(refs)).Scan(ctx, &expired); err != nil {
		return s, fmt.Errorf("expired profiles: %w", err)
	}
	touched := map[int64]bool{}
	for i, r := range recs {
		id, created, err := upsert(ctx, tx, r)
		switch {
		case err != nil:
			return s, fmt.Errorf("profile %s: %w", r.Reference, err)
		case id == 0:
			s.Unchanged++
		case created:
			s.Created++
		default:
			s.Updated++
		}
		if id != 0 {
			touched[id] = true
		}
		if id != 0 && !created && slices.Contains(expired, r.Reference) {
			if err := workflow.Record(ctx, tx, item(id), "reopen", Expired, workflow.Published, 0, ""); err != nil {
				return s, err
			}
		}
		if o.Progress != nil && ((i+1)%500 == 0 || i+1 == len(recs)) {
			o.Progress(i+1, len(recs))
		}
	}
	if err := s.mapped(ctx, tx, refs, touched); err != nil {
		return s, err
	}
	if o.Full {
		return s, s.expire(ctx, tx, refs)
	}
	return s, nil
}

// mapped gives the profiles refs the themes of their keywords, counting
// as updated those unchanged so far whose themes changed.
func (s *Summary) mapped(ctx context.Context, tx bun.IDB, refs []string, touched map[int64]bool) error {
	ids, err := applyMapping(ctx, tx, refs)
	for _, id := range ids {
		if !touched[id] {
			s.Unchanged--
			s.Updated++
		}
	}
	return err
}

// expire marks the published profiles whose references are not among
// refs expired, recording the step in their history.
func (s *Summary) expire(ctx context.Context, tx bun.IDB, refs []string) error {
	res, err := tx.NewRaw(`WITH e AS (UPDATE partnerships SET state = 'closed', expired_at = now(), updated_at = now()
			WHERE state = 'published' AND NOT (reference = ANY (?)) RETURNING id)
		INSERT INTO workflow_history (content_type, item_id, action, from_state, to_state)
		SELECT ?, id, 'expire', 'published', 'closed' FROM e`, pgdialect.Array(refs), ContentType).Exec(ctx)
	if err != nil {
		return fmt.Errorf("expire profiles: %w", err)
	}
	n, err := res.RowsAffected()
	s.Expired = int(n)
	return err
}

// upsert writes r: its id and whether it was created (id 0 when nothing
// changed).
func upsert(ctx context.Context, tx bun.IDB, r Record) (int64, bool, error) {
	tech, _ := json.Marshal(orEmpty(r.Technologies))
	markets, _ := json.Marshal(orEmpty(r.Markets))
	var deadline *string
	if r.Deadline != "" {
		deadline = &r.Deadline
	}
	var row struct {
		ID      int64 `bun:"id"`
		Created bool  `bun:"created"`
	}
	err := tx.NewRaw(upsertSQL, r.Reference, r.Kind, r.Title, r.Summary, r.Description, r.Innovation, r.Stage, r.IPR,
		r.PartnerType, r.PartnerRole, pgdialect.Array(orEmpty(r.Countries)), deadline, string(tech), string(markets),
		pgdialect.Array(orEmpty(r.Words)), pgdialect.Array(matchWords(r)), keywordText(r), r.digest(), r.Language, r.Published).Scan(ctx, &row)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return row.ID, row.Created, err
}

// matchWords are the codes and free words of r in lower case, which the
// mapping matches.
func matchWords(r Record) []string {
	out := []string{}
	for _, k := range append(append([]Keyword{}, r.Technologies...), r.Markets...) {
		out = append(out, strings.ToLower(k.Code))
	}
	for _, w := range r.Words {
		out = append(out, strings.ToLower(w))
	}
	return out
}

// keywordText is what search reads of r's keywords: labels and words.
func keywordText(r Record) string {
	var parts []string
	for _, k := range append(append([]Keyword{}, r.Technologies...), r.Markets...) {
		parts = append(parts, k.Label)
	}
	return strings.Join(append(parts, r.Words...), " ")
}

// digest is the digest of r's imported fields (not its place in the
// file).
func (r Record) digest() string {
	r.Line, r.Index = 0, 0
	b, _ := json.Marshal(r)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// orEmpty is l, never nil (an empty array, not NULL).
func orEmpty[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
