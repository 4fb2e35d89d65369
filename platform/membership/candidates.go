package membership

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/authz"
)

// Candidate is a person of the site whom a group's leaders may invite.
type Candidate struct {
	ID   int64  `bun:"id"`
	Name string `bun:"name"`
	// Email is filled only for a viewer who may see addresses.
	Email string `bun:"email"`
}

// MinQuery is the fewest characters a search for candidates needs: a
// shorter one finds nobody, so that the search never lists everyone.
const MinQuery = 2

// Candidates returns up to limit active people of the site with no link
// to group gid (a rejected request aside), whose name has a word starting
// with query or, when addresses, whose e-mail address starts with it (and
// then the address comes with the name); by name.
func (s *Spec) Candidates(ctx context.Context, tx bun.IDB, gid int64, query string, addresses bool, limit int) ([]Candidate, error) {
	query = strings.ToLower(strings.Join(strings.Fields(query), " "))
	if utf8.RuneCountInString(query) < MinQuery || limit <= 0 {
		return nil, nil
	}
	like := escapeLike(query) + "%"
	name := "lower(" + auth.NameSQL("u") + ")"
	match, args := "("+name+" LIKE ? OR "+name+" LIKE ?", []any{like, "% " + like}
	email := "''"
	if addresses {
		match, args, email = match+" OR lower(u.email) LIKE ?", append(args, like), "u.email"
	}
	var cs []Candidate
	err := tx.NewSelect().TableExpr("users AS u").ColumnExpr("u.id").ColumnExpr(auth.NameSQL("u")+" AS name").
		ColumnExpr(email+" AS email").
		Where("u.status = 'active'").Where(match+")", args...).
		Where("NOT EXISTS (SELECT 1 FROM ? AS l WHERE l.? = ? AND l.user_id = u.id AND l.state <> 'rejected')",
			bun.Ident(s.Table), bun.Ident(s.Column), gid).
		OrderExpr(name+", u.id").Limit(int64(limit)).Scan(ctx, &cs)
	if err != nil {
		return nil, fmt.Errorf("candidates: %w", err)
	}
	return cs, nil
}

// SeesAddresses says whether the member of ctx may see other members'
// e-mail addresses: the site's administrators and facilitators.
func SeesAddresses(ctx context.Context) bool {
	return authz.Can(ctx, "members/any", "read") || authz.Can(ctx, "profile/member", "validate")
}

// escapeLike makes s match itself in a LIKE pattern (escape \).
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
