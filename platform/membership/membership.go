// Package membership is what communities and organisations share about the
// people linked to them: the states of a link (a request, an invitation, an
// approval), the decisions on them (join, answer, invite, approve, remove,
// change role, leave, always keeping one person who leads), and the query
// of what waits for someone's decision. Each module keeps its own table and
// describes it with a Spec; the rules are written once here.
package membership

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
)

// The states of a link.
const (
	RequestSent = "request_sent"
	Invited     = "invited"
	Active      = "active"
	Rejected    = "rejected"
)

// Errors are a module's answers to the decisions it refuses, in its own
// words (message keys).
type Errors struct {
	// Already: linked or waiting already.
	Already error
	// Nothing: nothing waits for this decision.
	Nothing error
	// LastLead: the last person who leads would go.
	LastLead error
	// NoLink: the person decided upon has no link, or the decision is unknown.
	NoLink error
	// Choice: a role that is not among Roles.
	Choice error
}

// Spec describes a module's memberships.
type Spec struct {
	// Table is the table of links ("community_members"), Column its column
	// of the group's id ("community_id"), Groups the table of the groups
	// (with id, name, state, created_at).
	Table, Column, Groups string
	// Lead is the role of those who decide on the group's people; Roles
	// are the roles they can give.
	Lead  string
	Roles []string
	// Inviter: the table records who invited (invited_by).
	Inviter bool
	// Reinvite: an invitation may be sent again while one waits.
	Reinvite bool
	// Live is the condition on the group (aliased g) for its requests and
	// invitations to wait for someone ("" for always).
	Live string
	Errors
	// Inbox is how waiting decisions show as tasks.
	Inbox Inbox
}

// Link is someone's link to a group.
type Link struct {
	Group int64  `bun:"group_id"`
	User  int64  `bun:"user_id"`
	Role  string `bun:"role"`
	State string `bun:"state"`
}

// Get returns uid's link to group gid, locked for the decision (nil for none).
func (s *Spec) Get(ctx context.Context, tx bun.IDB, gid, uid int64) (*Link, error) {
	l := new(Link)
	err := tx.NewSelect().TableExpr(s.Table).ColumnExpr("? AS group_id, user_id, role, state", bun.Ident(s.Column)).
		Where("? = ? AND user_id = ?", bun.Ident(s.Column), gid, uid).For("UPDATE").Scan(ctx, l)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("membership: %w", err)
	}
	return l, nil
}

// Put records uid's link to gid with role and state, as new (invited by
// by, when the table records it and by is not 0).
func (s *Spec) Put(ctx context.Context, tx bun.IDB, gid, uid int64, role, state string, by int64) error {
	cols, vals, set := "?, user_id, role, state", "?, ?, ?, ?", "role = EXCLUDED.role, state = EXCLUDED.state, "
	args := []any{bun.Ident(s.Table), bun.Ident(s.Column), gid, uid, role, state}
	if s.Inviter {
		cols, vals, set = cols+", invited_by", vals+", ?", set+"invited_by = EXCLUDED.invited_by, "
		var inviter any
		if by > 0 {
			inviter = by
		}
		args = append(args, inviter)
	}
	args = append(args, bun.Ident(s.Column))
	_, err := tx.ExecContext(ctx, "INSERT INTO ? ("+cols+") VALUES ("+vals+") ON CONFLICT (?, user_id) DO UPDATE SET "+
		set+"created_at = now(), decided_at = NULL", args...)
	if err != nil {
		return fmt.Errorf("record membership: %w", err)
	}
	return nil
}

// Set changes uid's link to gid (set is the SET clause, with its args).
func (s *Spec) Set(ctx context.Context, tx bun.IDB, gid, uid int64, set string, args ...any) error {
	_, err := tx.NewUpdate().TableExpr(s.Table).Set(set, args...).
		Where("? = ? AND user_id = ?", bun.Ident(s.Column), gid, uid).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update membership: %w", err)
	}
	return nil
}

// decided records the decision putting uid's link to gid in state.
func (s *Spec) decided(ctx context.Context, tx bun.IDB, gid, uid int64, state string) error {
	return s.Set(ctx, tx, gid, uid, "state = ?, decided_at = now()", state)
}

// Remove ends uid's link to gid.
func (s *Spec) Remove(ctx context.Context, tx bun.IDB, gid, uid int64) error {
	_, err := tx.NewDelete().TableExpr(s.Table).Where("? = ? AND user_id = ?", bun.Ident(s.Column), gid, uid).Exec(ctx)
	if err != nil {
		return fmt.Errorf("remove membership: %w", err)
	}
	return nil
}

// keepALead refuses to take away the group's last active leader.
func (s *Spec) keepALead(ctx context.Context, tx bun.IDB, gid int64, cur *Link) error {
	if cur.Role != s.Lead || cur.State != Active {
		return nil
	}
	n, err := tx.NewSelect().TableExpr(s.Table).
		Where("? = ? AND role = ? AND state = 'active'", bun.Ident(s.Column), gid, s.Lead).Count(ctx)
	if err != nil {
		return fmt.Errorf("count leaders: %w", err)
	}
	if n <= 1 {
		return s.LastLead
	}
	return nil
}
