package match

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/setting"
)

// ErrNotFound is a person or organisation that the tenant's directory does
// not show, or no kind of suggestion.
var ErrNotFound = platform.NewError(platform.ErrNotFound, "no such person or organisation")

// candidateSQL reads a person as the people's directory shows them to
// members (an active account; a validated profile when the tenant
// validates profiles: ?0), or a validated organisation, by kind (?1) and
// id (?2).
var candidateSQL = `SELECT 'person' AS kind, u.id, ` + auth.NameSQL("u") + ` AS name
	FROM users AS u LEFT JOIN profiles AS p ON p.user_id = u.id
	WHERE ?1 = 'person' AND u.id = ?2 AND u.status = 'active' AND (NOT ?0 OR p.state = 'validated')
UNION ALL
SELECT 'organization', o.id, o.name FROM organizations AS o WHERE ?1 = 'organization' AND o.id = ?2 AND o.state = 'validated'`

// Candidate returns the person or organisation (kind, id) of the tenant
// of tx, with its name, when the directory shows it to members (the
// people and organisations Suggest chooses from), and ErrNotFound
// otherwise: a caller acting on a suggestion (an invitation) checks with
// it what the form posted.
func Candidate(ctx context.Context, tx bun.IDB, kind string, id int64) (Suggestion, error) {
	validation, err := setting.Bool(ctx, tx, setting.ProfileValidation)
	if err != nil {
		return Suggestion{}, err
	}
	var s Suggestion
	err = tx.NewRaw(candidateSQL, validation, kind, id).Scan(ctx, &s)
	if errors.Is(err, sql.ErrNoRows) {
		return Suggestion{}, ErrNotFound
	}
	if err != nil {
		return Suggestion{}, fmt.Errorf("match: candidate: %w", err)
	}
	return s, nil
}

// shownSQL keeps, of the suggestions $1 (kinds) and $2 (ids), those the
// directory shows to members (as candidateSQL, a person with a profile),
// with their names, in their order.
var shownSQL = `SELECT x.i, n.name FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS x (kind, id, i)
CROSS JOIN LATERAL (
	SELECT ` + auth.NameSQL("u") + ` AS name FROM users AS u JOIN profiles AS p ON p.user_id = u.id
	WHERE x.kind = 'person' AND u.id = x.id AND u.status = 'active' AND (NOT ` + validation + ` OR p.state = 'validated')
	UNION ALL
	SELECT o.name FROM organizations AS o WHERE x.kind = 'organization' AND o.id = x.id AND o.state = 'validated'
) AS n
ORDER BY x.i`

// Shown returns, of ss (suggestions ranked a while ago), those that the
// tenant's directory still shows to members, with their names as they are
// now, in their order: a ranking kept for a while holds no name, and who
// it names may have left, been suspended or hidden since.
func Shown(ctx context.Context, tx bun.IDB, ss []Suggestion) ([]Suggestion, error) {
	if len(ss) == 0 {
		return ss, nil
	}
	kinds, ids := make([]string, len(ss)), make([]int64, len(ss))
	for i, s := range ss {
		kinds[i], ids[i] = s.Kind, s.ID
	}
	rows, err := db.Prepared(tx, kinds, ids).QueryContext(ctx, shownSQL)
	if err != nil {
		return nil, fmt.Errorf("match: shown: %w", err)
	}
	defer func() { _ = rows.Close() }()
	out := make([]Suggestion, 0, len(ss))
	for rows.Next() {
		var i int
		var name string
		if err := rows.Scan(&i, &name); err != nil {
			return nil, fmt.Errorf("match: shown: %w", err)
		}
		s := ss[i-1]
		s.Name = name
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("match: shown: %w", err)
	}
	return out, nil
}
